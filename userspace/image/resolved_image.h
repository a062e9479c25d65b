// What an image reader hands to the unpacker: the config blob and the layer
// files in order, each already checked against its digest.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/image_files.h"

namespace pare {

struct LayerFile {
  std::string path;  // a tar, plain or compressed
  std::string what;  // for messages: "layer 2/3 (sha256:...) of SRC"
};

struct ResolvedImage {
  nlohmann::json config;
  std::vector<LayerFile> layers;
  std::unique_ptr<ImageScratchDir> scratch;  // holds extracted layers (docker archives) until unpacked
};

}  // namespace pare
