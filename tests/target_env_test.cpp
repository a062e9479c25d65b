// The target's locale comes from the target's environment: LC_ALL, then
// LC_CTYPE, then LANG (glibc's order for the character set), empty = unset.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "record/target_env.h"
#include "support/run_pare.h"

using Env = std::vector<std::string>;

TEST_CASE("target locale: LC_ALL, then LC_CTYPE, then LANG", "[locale]") {
  CHECK_FALSE(pare::locale_from_env({}).has_value());
  CHECK_FALSE(pare::locale_from_env({"PATH=/bin", "LANGUAGE=de"}).has_value());
  CHECK(pare::locale_from_env({"LANG=de_DE.UTF-8"}) == "de_DE.UTF-8");
  CHECK(pare::locale_from_env({"LANG=de_DE.UTF-8", "LC_CTYPE=fr_FR.UTF-8"}) == "fr_FR.UTF-8");
  CHECK(pare::locale_from_env({"LC_ALL=C.UTF-8", "LANG=de_DE.UTF-8", "LC_CTYPE=fr_FR.UTF-8"}) == "C.UTF-8");
  CHECK(pare::locale_from_env({"LC_ALL=", "LANG=de_DE.UTF-8"}) == "de_DE.UTF-8");  // empty is unset
  CHECK(pare::locale_from_env({"LC_MESSAGES=fr_FR.UTF-8"}) == std::nullopt);
  CHECK(pare::locale_from_env({"LANG=a", "LANG=b"}) == "b");  // the last one wins, like a bundle's env
  CHECK(pare::locale_from_env({"LANGX=a", "noequals"}) == std::nullopt);
}

TEST_CASE("target environment: /proc/PID/environ", "[locale]") {
  test::Background p({"/usr/bin/env", "-i", "LANG=xx_YY.UTF-8", "FOO=bar", "/bin/sleep", "30"});
  Env env;
  for (int i = 0; i < 100 && env.empty(); ++i) {
    usleep(20000);
    env = pare::process_environ(p.pid());
    if (env.size() != 2) env.clear();  // still env(1) before its exec
  }
  CHECK(env == Env{"LANG=xx_YY.UTF-8", "FOO=bar"});
  CHECK(pare::process_environ(0x7fffffff).empty());  // no such process
}
