// An app whose state is data, end to end (issue 8; root, runc, the "mariadb"
// test image that tools/test prepares): Debian's MariaDB server, recorded as
// its own user under traffic that reads one table. The minimal image must
// hold the whole data directory (rule state-dirs), so that it answers for the
// tables and catalogs the recording never read, takes a new table, and comes
// up again on the data it wrote.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "container/user_lookup.h"
#include "support/run_pare.h"
#include "support/test_images.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kRunc = "/usr/sbin/runc";
const std::string kSocket = "/run/mysqld/mysqld.sock";

json read_json(const std::string& p) { return json::parse(test::slurp(p)); }

// A detached runc container of BUNDLE, force-deleted on destruction.
class Container {
 public:
  Container(std::string bundle, std::string id) : bundle_(std::move(bundle)), id_(std::move(id)) {}
  ~Container() {
    if (started_) test::run({kRunc, "delete", "--force", id_});
  }
  void start() {
    auto r = test::run({kRunc, "run", "-d", "--bundle", bundle_, id_});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    started_ = true;
  }
  std::string status() const {
    auto r = test::run({kRunc, "state", id_});
    return r.exit_code == 0 ? json::parse(r.out).value("status", "") : "gone";
  }
  // SIGTERM (mariadbd shuts down cleanly on it), wait until the app has exited, delete.
  bool stop(int seconds) {
    test::run({kRunc, "kill", id_, "TERM"});
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (status() == "running" && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    bool stopped = status() != "running";
    test::run({kRunc, "delete", "--force", id_});
    started_ = false;
    return stopped;
  }
  // The image's own client, inside the container, over the server's socket: rows tab-separated.
  test::RunResult sql(const std::string& query) const {
    return test::run({kRunc, "exec", id_, "/usr/bin/mariadb", "--socket=" + kSocket, "-N", "-B", "-e", query});
  }
  bool wait_ready(int seconds) const {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (sql("SELECT 1").out == "1\n") return true;
      if (status() != "running") return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return false;
  }

 private:
  std::string bundle_, id_;
  bool started_ = false;
};

// QUERY's rows; a failed query fails the test with the client's message.
std::string rows(const Container& c, const std::string& query) {
  auto r = c.sql(query);
  INFO(query << "\n" << r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("slim mariadb as --user mysql: the minimal container serves tables and catalogs it never read, a new table, a restart",
          "[container][slim][state]") {
  std::string rootfs = test::image_rootfs("mariadb");
  // The recipe's command (tools/images/mariadb.image), as make-image wrote it next to the rootfs.
  json app = read_json(fs::path(rootfs).parent_path() / "app.json");
  std::vector<std::string> cmd = app["cmd"];
  // The image's mysql user (its own /etc/passwd), who owns /var/lib/mysql.
  pare::ProcessUser mysql = pare::resolve_user(rootfs, "mysql", pare::kExitUsage, "--user");
  test::TempDir work;

  // 1. Record as mysql under traffic that reads shop.items only, build, verify (the same traffic,
  //    then the --alt set: the other tables, the catalogs, CREATE TABLE).
  std::vector<std::string> args = {"slim", "--from", rootfs, "-o", work / "out", "--user", "mysql", "--report",
                                   work / "report.json", "--save-manifest", work / "m.json", "--ready-tcp",
                                   "127.0.0.1:3307", "--traffic", test::images_dir() + "/mariadb.traffic",
                                   "--verify-traffic", test::images_dir() + "/mariadb.traffic --alt"};
  for (auto& e : app["env"]) args.insert(args.end(), {"--env", e.get<std::string>()});
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto r = test::run_pare(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto report = read_json(work / "report.json");
  CHECK(report["verify"] == "passed");
  // The data directory is kept whole, found by the heuristic: mysql's files, read and written.
  REQUIRE(report["state_dirs"].size() == 1);
  CHECK(report["state_dirs"][0]["dir"] == "/var/lib/mysql");
  CHECK_THAT(report["state_dirs"][0]["reason"].get<std::string>(), Catch::Contains("owner uid " + std::to_string(mysql.uid)));
  CHECK_THAT(r.err, Catch::Contains("state dir kept whole: /var/lib/mysql"));
  auto m = read_json(work / "m.json");
  CHECK(m["processes"].contains("/usr/sbin/mariadbd"));
  // The Aria table was never opened: only the rule keeps it.
  auto& notes = m["paths"]["/var/lib/mysql/shop/notes.MAD"];
  CHECK(notes["kinds"].empty());
  CHECK(notes["why"] == json::array({"rule state-dirs (in /var/lib/mysql)"}));
  // InnoDB's I/O goes through io_uring: a blind spot (README "Limits"), the only reason the
  // recording is incomplete.
  for (auto& why : m["incomplete_reasons"]) CHECK_THAT(why.get<std::string>(), Catch::StartsWith("io_uring:"));
  std::string out = work / "out";
  CHECK(fs::exists(out + "/var/lib/mysql/shop/orders.ibd"));
  CHECK_FALSE(fs::exists(out + "/run/mysqld/mysqld.pid"));  // made by the run
  CHECK_FALSE(fs::exists(out + "/usr/share/doc"));

  // 2. Run the minimal image (on an overlay, so it can write) as mysql, like slim did.
  pare::ContainerSpec spec = test::running(cmd);
  for (auto& e : app["env"]) spec.env.push_back(e.get<std::string>());
  spec.uid = mysql.uid;
  spec.gid = mysql.gid;
  spec.additional_gids = mysql.additional_gids;
  test::TestBundle b(out, work.path(), spec);
  Container c(b.dir, "pare-test-mariadb-" + std::to_string(getpid()));
  c.start();
  REQUIRE(c.wait_ready(60));
  CHECK(rows(c, "SELECT id, item, qty FROM shop.orders ORDER BY id") == "10\t1\t3\n11\t2\t5\n");
  CHECK(rows(c, "SELECT body FROM shop.notes") == "kept whole\n");
  CHECK(rows(c, "SELECT table_name, engine FROM information_schema.tables WHERE table_schema = 'shop' "
                "ORDER BY table_name") == "items\tInnoDB\nnotes\tAria\norders\tInnoDB\n");
  CHECK(rows(c, "SELECT COUNT(*) > 0 FROM mysql.user WHERE user = 'root'") == "1\n");
  CHECK(rows(c, "CREATE TABLE shop.added (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB; "
                "INSERT INTO shop.added VALUES (1, 'after slim'); SELECT v FROM shop.added") == "after slim\n");
  CHECK(c.sql("SELECT * FROM shop.no_such_table").exit_code != 0);  // errors still come back as errors

  // 3. A clean shutdown, then the same minimal image starts again on the data it wrote.
  REQUIRE(c.stop(60));
  c.start();
  REQUIRE(c.wait_ready(60));
  CHECK(rows(c, "SELECT v FROM shop.added") == "after slim\n");
  CHECK(rows(c, "SELECT name FROM shop.items ORDER BY id") == "apple\npear\n");
  CHECK(c.stop(60));
}
