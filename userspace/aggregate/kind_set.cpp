#include "aggregate/kind_set.h"

#include <utility>

namespace pare {

void KindSet::add_names_to(std::set<std::string>& out) const {
  static const std::pair<Kind, const char*> kNames[] = {
      {kExec, "exec"},   {kInterpreter, "interpreter"}, {kScript, "script"},   {kRead, "read"},     {kWrite, "write"},
      {kCreate, "create"}, {kMappedExec, "mapped-exec"}, {kChecked, "checked"}, {kListed, "listed"},
  };
  for (auto& [kind, name] : kNames)
    if (has(kind)) out.insert(name);
}

}  // namespace pare
