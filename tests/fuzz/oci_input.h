// How the oci_layout target turns fuzz bytes into an OCI image layout. A raw
// directory image would leave the fuzzer stuck at the first digest check (it
// cannot invent SHA-256 sums), so the harness computes them:
//
//   input  = ["tag:" TAG "\n"] part ("\n--8<--\n" part)*     (at most 18 parts)
//   part 0 = the oci-layout file, part 1 = index.json,
//   part 2+i = blob i, stored as blobs/sha256/<its sha256>
//
// In every part, "$i" (i one digit) becomes "sha256:<hex of blob i>" and "#i"
// blob i's size in bytes, when blob i comes after that part: blobs are
// finished from the last to the first, so references cannot form a cycle (an
// index names manifests, a manifest its config and layers). Any other '$' or
// '#' stays as it is. tests/fuzz/make_corpus.py writes seeds in this form.
#pragma once

#include <string>
#include <string_view>

namespace fuzz {

// Writes the layout described by IN into the new directory DIR; returns the
// image source to unpack: DIR, or DIR:TAG when IN starts with a tag line.
std::string write_oci_layout(std::string_view in, const std::string& dir);

}  // namespace fuzz
