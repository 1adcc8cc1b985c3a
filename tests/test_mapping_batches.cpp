// batch_calls: required keys, numbers, duplicates, and the override value tree.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"

namespace {

using Lines = std::vector<std::string>;
using xs::Value;

const std::string kBase =
    xs::test::kMappingHeader +
    "  - phone_number: \"+12125554567\"\n"
    "    label: Customer Support Line\n";

xs::LoadResult load(const std::string& text) {
  return xs::load_mapping_sources({{"base.yaml", kBase}, {"m.yaml", text}});
}

Lines check(const std::string& text) {
  Lines out;
  for (const auto& d : load(text).diagnostics) out.push_back(d.str());
  return out;
}

// A batch header (lines 3-6 of m.yaml) followed by its calls from line 7 on.
std::string batch(const std::string& calls, const std::string& name = "renewals") {
  return "version: 1\n"
         "batch_calls:\n"
         "  - name: " +
         name +
         "\n"
         "    agent: support\n"
         "    from: \"+12125554567\"\n"
         "    calls:\n" +
         calls;
}

}  // namespace

TEST_CASE("a batch resolves its agent and folds first_message into the override") {
  const auto r =
      load(batch("      - to: \"+12125556543\"\n"
                 "        first_message: \"Hi, this is a follow-up call for John.\"\n"
                 "      - to: \"+12125554321\"\n"
                 "        conversation_config_override: {agent: {first_message: \"Hi "
                 "Maria.\"}}\n"
                 "      - to: \"+12125552222\"\n"));
  REQUIRE(r.ok());
  REQUIRE(r.desired.batches.size() == 1);
  const auto& b = r.desired.batches[0];
  CHECK(b.name == "renewals");
  CHECK(b.agent_id == "agent_7101k5zvyjhmfg983brhmhkd98n6");
  CHECK(b.agent_ref == "support");
  CHECK(b.from == "+12125554567");
  CHECK_FALSE(b.allow_duplicates);
  CHECK(b.loc.str() == "m.yaml:3:5");
  REQUIRE(b.calls.size() == 3);
  CHECK(b.calls[0].to == "+12125556543");
  CHECK(b.calls[0].loc.str() == "m.yaml:7:9");
  Value john = Value::object();
  Value agent = Value::object();
  agent.set("first_message", Value::string("Hi, this is a follow-up call for John."));
  john.set("agent", agent);
  REQUIRE(b.calls[0].override);
  CHECK(*b.calls[0].override == john);
  REQUIRE(b.calls[1].override);
  CHECK(b.calls[1].override->find("agent")->find("first_message")->text == "Hi Maria.");
  CHECK_FALSE(b.calls[2].override);
}

TEST_CASE("override values keep their YAML 1.2 types, order and number text") {
  const auto r =
      load(batch("      - to: \"+12125556543\"\n"
                 "        first_message: Hello\n"
                 "        conversation_config_override:\n"
                 "          tts: {speed: 1.50, stability: .5, voice: \"0042\"}\n"
                 "          agent: {language: en, prompt: {temperature: +0.7}}\n"
                 "          flags: [true, False, ~, null, 0x1F, 0o17, 007, 1e3, yes]\n"
                 "          note: \"true\"\n"));
  REQUIRE(r.ok());
  const Value& o = *r.desired.batches.at(0).calls.at(0).override;
  REQUIRE(o.members.size() == 4);
  CHECK(o.members[0].first == "tts");
  CHECK(o.members[1].first == "agent");
  CHECK(o.members[2].first == "flags");
  CHECK(o.members[3].first == "note");
  CHECK(*o.find("tts")->find("speed") == Value::number("1.50"));
  CHECK(*o.find("tts")->find("stability") == Value::number("0.5"));
  CHECK(*o.find("tts")->find("voice") == Value::string("0042"));
  const Value& agent = *o.find("agent");
  REQUIRE(agent.members.size() == 3);
  CHECK(agent.members[0].first == "language");
  CHECK(agent.members[1].first == "prompt");
  CHECK(*agent.find("prompt")->find("temperature") == Value::number("0.7"));
  CHECK(*agent.find("first_message") == Value::string("Hello"));
  const std::vector<Value> flags = {Value::boolean_value(true),
                                    Value::boolean_value(false),
                                    Value::null(),
                                    Value::null(),
                                    Value::number("31"),
                                    Value::number("15"),
                                    Value::number("7"),
                                    Value::number("1e3"),
                                    Value::string("yes")};
  CHECK(o.find("flags")->items == flags);
  CHECK(*o.find("note") == Value::string("true"));
}

TEST_CASE("override problems: no JSON form, conflicts, wrong types, duplicate keys") {
  CHECK(check(batch("      - to: \"+12125556543\"\n"                         // 7
                    "        conversation_config_override: {speed: .inf}\n"  // 8
                    "      - to: \"+12125556544\"\n"                         // 9
                    "        first_message: Hi John\n"                       // 10
                    "        conversation_config_override: {agent: {first_message: Hi}}\n"
                    "      - to: \"+12125556545\"\n"  // 12
                    "        first_message: Hi\n"     // 13
                    "        conversation_config_override: {agent: Hi}\n"
                    "      - to: \"+12125556546\"\n"                        // 15
                    "        conversation_config_override: [agent]\n"       // 16
                    "      - to: \"+12125556547\"\n"                        // 17
                    "        conversation_config_override: {a: 1, a: 2}\n"  // 18
                    "      - to: \"+12125556548\"\n"                        // 19
                    "        first_message: Hi\n"                           // 20
                    "        conversation_config_override: {agent: {first_message: Hi}}\n")) ==
        Lines{
            "m.yaml:8:47: number '.inf' has no JSON form (quote it to send a string)",
            "m.yaml:10:24: 'first_message' conflicts with "
            "conversation_config_override.agent.first_message",
            "m.yaml:13:24: cannot add 'first_message': conversation_config_override.agent is "
            "not a map",
            "m.yaml:16:39: expected a map for 'conversation_config_override'",
            "m.yaml:18:46: duplicate key 'a' (first declared at m.yaml:18:40)",
        });
}

TEST_CASE("batch required keys, and each call's 'to'") {
  CHECK(check("version: 1\n"
              "batch_calls:\n"
              "  - agent: support\n"  // 3
              "  - name: b\n"         // 4
              "    agent: support\n"
              "    from: \"+12125554567\"\n"
              "    calls:\n"
              "      - first_message: Hi\n") ==  // 8
        Lines{
            "m.yaml:3:5: missing required key 'name'",
            "m.yaml:3:5: missing required key 'from'",
            "m.yaml:3:5: missing required key 'calls' (or 'calls_csv')",
            "m.yaml:8:9: missing required key 'to'",
        });
}

TEST_CASE("a batch needs calls") {
  CHECK(check(batch("")) == Lines{"m.yaml:6:5: empty 'calls': a batch needs at least one call"});
  CHECK(check(batch("      []\n")) ==
        Lines{"m.yaml:7:7: empty 'calls': a batch needs at least one call"});
  CHECK(check(batch("      to: \"+12125556543\"\n")) ==
        Lines{"m.yaml:7:7: expected a list for 'calls'"});
}

TEST_CASE("'from' must be a mapped number, 'to' strict E.164") {
  CHECK(check("version: 1\n"
              "batch_calls:\n"
              "  - name: a\n"
              "    agent: support\n"
              "    from: \"+12125550000\"\n"           // 5
              "    calls: [{to: \"555-987-6543\"}]\n"  // 6
              "  - name: b\n"
              "    agent: sales\n"       // 8
              "    from: 15551234567\n"  // 9
              "    calls: [{to: \"+12125556543\"}]\n") ==
        Lines{
            "m.yaml:5:11: 'from' number +12125550000 is not a mapped number (add it under "
            "'numbers')",
            "m.yaml:6:18: invalid phone number '555-987-6543': use E.164 with the country code, "
            "perhaps '+15559876543'",
            "m.yaml:8:12: unknown agent alias 'sales' (define it under 'agents:', or use an agent "
            "id starting with 'agent_')",
            "m.yaml:9:11: invalid phone number '15551234567': use E.164 with a leading '+': "
            "'+15551234567'",
        });
}

TEST_CASE("calling a number twice in a batch is an error unless allowed") {
  const std::string calls =
      "      - to: \"+12125556543\"\n"  // 7
      "      - to: \"+12125554321\"\n"
      "      - to: \"+12125556543\"\n";  // 9
  const auto refused = load(batch(calls));
  CHECK_FALSE(refused.ok());
  REQUIRE(refused.diagnostics.size() == 1);
  CHECK(refused.diagnostics[0].str() ==
        "m.yaml:9:13: duplicate call to +12125556543 in batch 'renewals' (first "
        "declared at m.yaml:7:13); set 'allow_duplicates: true' if intended");
  const std::string allowed =
      "version: 1\n"
      "batch_calls:\n"
      "  - name: renewals\n"
      "    agent: support\n"
      "    from: \"+12125554567\"\n"
      "    allow_duplicates: true\n"
      "    calls:\n" +
      calls;
  const auto r = load(allowed);
  CHECK(r.diagnostics.empty());
  REQUIRE(r.desired.batches.size() == 1);
  CHECK(r.desired.batches[0].allow_duplicates);
  CHECK(r.desired.batches[0].calls.size() == 3);
}

TEST_CASE("allow_duplicates must be a boolean") {
  CHECK(check("version: 1\n"
              "batch_calls:\n"
              "  - name: b\n"
              "    agent: support\n"
              "    from: \"+12125554567\"\n"
              "    allow_duplicates: \"yes\"\n"
              "    calls: [{to: \"+12125556543\"}]\n") ==
        Lines{"m.yaml:6:23: expected true or false for 'allow_duplicates'"});
}

TEST_CASE("the same batch name twice is an error naming both, across files too, sorted by name") {
  const auto r = xs::load_mapping_sources({
      {"base.yaml", kBase},
      {"a.yaml", batch("      - to: \"+12125556543\"\n", "zeta") +
                     batch("      - to: \"+12125556543\"\n", "alpha").substr(24)},
      {"b.yaml", batch("      - to: \"+12125556543\"\n", "zeta")},
  });
  Lines d;
  for (const auto& x : r.diagnostics) d.push_back(x.str());
  CHECK(d == Lines{"b.yaml:3:11: duplicate batch name 'zeta' (first declared at a.yaml:3:11)"});
  REQUIRE(r.desired.batches.size() == 2);
  CHECK(r.desired.batches[0].name == "alpha");
  CHECK(r.desired.batches[1].name == "zeta");
}
