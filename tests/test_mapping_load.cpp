// load_mapping: files, folders, the default folder, and the example users copy.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mapping/load.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> diags_of(const xs::LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

using xs::test::TempDir;

// Runs with the working directory set to dir, then restores it.
struct InDir {
  fs::path old = fs::current_path();
  explicit InDir(const fs::path& dir) { fs::current_path(dir); }
  ~InDir() { fs::current_path(old); }
};

const char kAccounts[] =
    "version: 1\n"
    "twilio_accounts:\n"
    "  main:\n"
    "    account_sid: AC0123456789abcdef0123456789abcdef\n"
    "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
    "defaults:\n"
    "  twilio_account: main\n";

std::string number_file(const std::string& phone, const std::string& label) {
  return "version: 1\nnumbers:\n  - phone_number: \"" + phone + "\"\n    label: " + label + "\n";
}

fs::path example_path() {
  return fs::path(__FILE__).parent_path().parent_path() / "mappings" / "example.yaml";
}

}  // namespace

TEST_CASE("load_mapping reports a missing path") {
  TempDir dir;
  const std::string missing = dir / "nope.yaml";
  const auto r = xs::load_mapping({missing});
  CHECK_FALSE(r.ok());
  CHECK(diags_of(r) == std::vector<std::string>{missing + ": no such file or directory"});
}

TEST_CASE("load_mapping reads a folder's mapping files, sorted, and merges them") {
  TempDir dir;
  dir.write("m/10-accounts.yaml", kAccounts);
  dir.write("m/30-more.yml", number_file("+12125550003", "Third"));
  dir.write("m/20-numbers.json",
            R"({"version": 1, "numbers": [{"phone_number": "+12125550002", "label": "Second"}]})");
  dir.write("m/notes.txt", "not a mapping");
  dir.write("m/.#lock.yaml", "not read either");
  dir.write("m/sub/ignored.yaml", "version: [");
  const auto r = xs::load_mapping({dir / "m"});
  INFO(diags_of(r).size());
  REQUIRE(r.ok());
  REQUIRE(r.desired.numbers.size() == 2);
  CHECK(r.desired.numbers[0].phone_number == "+12125550002");
  CHECK(r.desired.numbers[0].twilio_account == "main");
  CHECK(r.desired.numbers[1].label == "Third");
}

TEST_CASE("load_mapping names each file of a folder in its diagnostics, in file order") {
  TempDir dir;
  dir.write("m/b.yaml", number_file("+12125550001", "Dup") +
                            "  - phone_number: 555\n"
                            "    label: x\n");
  dir.write("m/a.yaml", std::string(kAccounts) + number_file("+12125550001", "One").substr(11));
  const auto r = xs::load_mapping({dir / "m"});
  const std::string a = dir / "m/a.yaml", b = dir / "m/b.yaml";
  CHECK(diags_of(r) ==
        std::vector<std::string>{
            b + ":3:19: duplicate phone number +12125550001 (first declared at " + a + ":9:19)",
            b + ":5:19: invalid phone number '555': use E.164, like "
                "'+15551234567'",
        });
}

TEST_CASE("load_mapping reports a folder without mapping files") {
  TempDir dir;
  dir.write("empty/readme.md", "# nothing here");
  const auto r = xs::load_mapping({dir / "empty"});
  CHECK(diags_of(r) ==
        std::vector<std::string>{dir / "empty" +
                                 ": no mapping files (*.yaml, *.yml, *.json) in this folder"});
}

TEST_CASE("load_mapping defaults to ./mappings") {
  TempDir dir;
  InDir in(dir.root);
  CHECK(diags_of(xs::load_mapping({})) ==
        std::vector<std::string>{"mappings: no such file or directory"});
  dir.write("mappings/all.yaml",
            std::string(kAccounts) + number_file("+12125550001", "One").substr(11));
  const auto r = xs::load_mapping({});
  CHECK(r.ok());
  CHECK(r.desired.numbers.size() == 1);
}

TEST_CASE("load_mapping keeps going past a bad path and orders diagnostics by path") {
  TempDir dir;
  const std::string good = dir.write("good.yaml", "version: 2\n");
  const std::string missing = dir / "missing.yaml";
  const auto r = xs::load_mapping({missing, good});
  CHECK(diags_of(r) == std::vector<std::string>{
                           missing + ": no such file or directory",
                           good + ":1:10: unsupported version 2 (expected 1)",
                       });
}

TEST_CASE("load_mapping reads a file named twice only once") {
  TempDir dir;
  dir.write("m/all.yaml", std::string(kAccounts) + number_file("+12125550001", "One").substr(11));
  const auto r = xs::load_mapping({dir / "m", dir / "m/all.yaml"});
  CHECK(r.ok());
  CHECK(r.desired.numbers.size() == 1);
}

TEST_CASE("load_mapping reports an unreadable file") {
  TempDir dir;
  const std::string path = dir.write("secret.yaml", kAccounts);
  fs::permissions(path, fs::perms::none);
  if (std::ifstream(path).good()) {
    fs::permissions(path, fs::perms::owner_all);
    SUCCEED("running with privileges that read anything; nothing to check");
    return;
  }
  CHECK(diags_of(xs::load_mapping({path})) ==
        std::vector<std::string>{path + ": cannot read: Permission denied"});
  fs::permissions(path, fs::perms::owner_all);
}

TEST_CASE("mappings/example.yaml is valid and resolves as documented") {
  const fs::path path = example_path();
  if (!fs::exists(path)) {
    WARN("source tree not found at " << path.string());
    return;
  }
  const auto r = xs::load_mapping({path.string()});
  INFO(diags_of(r).size());
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const auto& d = r.desired;
  REQUIRE(d.twilio_accounts.size() == 1);
  const auto& main = d.twilio_accounts.at("main");
  CHECK(main.account_sid == "AC0123456789abcdef0123456789abcdef");
  CHECK(main.auth_token_env == "TWILIO_MAIN_AUTH_TOKEN");
  CHECK(d.agents.size() == 3);
  REQUIRE(d.numbers.size() == 6);
  CHECK(d.numbers[0].phone_number == "+12125550100");
  CHECK(d.numbers[0].label == "Front Desk");
  CHECK(d.numbers[0].agent_id == "agent_7101k5zvyjhmfg983brhmhkd98n6");
  CHECK(d.numbers[0].agent_ref == "support");
  CHECK(d.numbers[1].phone_number == "+12125550101");
  CHECK(d.numbers[1].label == "Customer Support Line");
  CHECK(d.numbers[2].agent_id == "agent_2202k5zvyjhmfg983brhmhkd98n7");
  CHECK(d.numbers[3].agent_id == "agent_3303k5zvyjhmfg983brhmhkd98n8");
  CHECK(d.numbers[5].phone_number == "+12125550105");
  CHECK(d.numbers[5].label == "Fax Line (import only)");
  CHECK(d.numbers[5].agent_id.empty());
  for (const auto& n : d.numbers) CHECK(n.twilio_account == "main");
  REQUIRE(d.batches.size() == 1);
  CHECK(d.batches[0].name == "renewals-2026-11");
  CHECK(d.batches[0].from == "+12125550102");
  CHECK(d.batches[0].agent_id == "agent_2202k5zvyjhmfg983brhmhkd98n7");
  REQUIRE(d.batches[0].calls.size() == 2);
  CHECK(d.batches[0].calls[1].override->find("agent")->find("first_message")->text == "Hi Maria.");
}
