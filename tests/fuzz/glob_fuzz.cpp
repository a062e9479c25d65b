// glob_match(pattern, path): the input is "PATTERN<NUL or newline>PATH". Both
// are capped at PATH_MAX: longer strings never reach the matcher from a real
// path, so a slow unit within the cap is a real finding (patterns come from
// --include/--exclude and rule packs, paths from recordings). A path with a
// NUL is skipped: neither the kernel nor a manifest can produce one.
#include <climits>
#include <string>

#include "closure/glob.h"
#include "support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  std::string_view in = fuzz::as_text(data, size);
  size_t cut = in.find_first_of(std::string_view("\0\n", 2));
  std::string_view pattern = in.substr(0, cut);
  std::string_view path = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
  if (pattern.size() > PATH_MAX || path.size() > PATH_MAX) return 0;
  if (path.find('\0') != std::string_view::npos) return 0;  // no real path holds a NUL
  fuzz::expect_only_errors("glob_match", [&] { (void)pare::glob_match(std::string(pattern), std::string(path)); });
  // A pattern without wildcards or escapes is a plain path and matches itself.
  if (pattern.find_first_of("*?[\\") == std::string_view::npos &&
      !pare::glob_match(std::string(pattern), std::string(pattern)))
    fuzz::finding("the literal pattern '" + std::string(pattern) + "' does not match itself");
  return 0;
}
