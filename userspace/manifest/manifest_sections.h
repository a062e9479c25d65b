// The four members of a manifest that map names to entries (paths, missing,
// processes, unbacked): big, so read and written an entry at a time, apart
// from the small rest of the manifest (its "header").
#pragma once

#include <optional>
#include <string_view>

namespace pare {

enum class Section { kPaths, kMissing, kProcesses, kUnbacked };
inline constexpr Section kSections[] = {Section::kPaths, Section::kMissing, Section::kProcesses, Section::kUnbacked};

inline const char* section_name(Section s) {
  switch (s) {
    case Section::kPaths: return "paths";
    case Section::kMissing: return "missing";
    case Section::kProcesses: return "processes";
    case Section::kUnbacked: return "unbacked";
  }
  return "";
}

inline std::optional<Section> section_named(std::string_view name) {
  for (Section s : kSections)
    if (name == section_name(s)) return s;
  return std::nullopt;
}

}  // namespace pare
