#include "audit/finding_json.h"

#include <chrono>

#include "common/name_encoding.h"
#include "common/timestamps.h"
#include "decode/event_json.h"

namespace pare {

nlohmann::json finding_to_json(const Finding& f, const nlohmann::json& scope) {
  using nlohmann::json;
  auto when = f.ts_ns ? wall_time_of_monotonic(f.ts_ns) : std::chrono::system_clock::now();
  json j = {{"time", utc_text(when)}, {"kind", f.kind}};
  if (f.kind == "syscall") {
    j["syscall"] = f.syscall;
  } else if (!f.path.empty()) {
    j["path"] = encode_name(f.path);
  }
  if (f.err) j["errno"] = errno_name(f.err);
  if (f.pid) {
    j["pid"] = f.pid;
    j["comm"] = encode_name(f.comm);
    if (!f.chain.empty() && f.chain.front().pid == f.pid) j["exe"] = encode_name(f.chain.front().exe);
    json parents = json::array();
    for (size_t i = 1; i < f.chain.size(); ++i)
      parents.push_back({{"pid", f.chain[i].pid}, {"comm", encode_name(f.chain[i].comm)}, {"exe", encode_name(f.chain[i].exe)}});
    j["parents"] = parents;
  }
  j["scope"] = scope;
  return j;
}

}  // namespace pare
