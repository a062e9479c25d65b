#pragma once
namespace pare {
inline constexpr const char* kVersion = "0.1.0";
inline constexpr int kManifestSchemaVersion = 1;
}  // namespace pare
