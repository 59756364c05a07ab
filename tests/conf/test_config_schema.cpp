// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE conf_schema
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/json/json_ref.hpp"

using tlog::base::ConfigError;
using tlog::conf::ConfigSchema;
using tlog::json::JsonRef;

namespace {

// A schema shaped like the recorder's, bound to plain fields.
struct Settings {
	std::int64_t rate = 16384;
	std::int64_t burst = 32768;
	std::string action = "pass";
	double latency = 10;
	bool logInput = false;
	bool logOutput = true;
	std::string path;
	std::vector<std::string> matches;
	ConfigSchema schema;

	Settings()
	{
		schema.integer("limit.rate", rate, 0, 1073741824);
		schema.integer("limit.burst", burst, 0, 1073741824);
		schema.string("limit.action", action, {"pass", "delay", "drop"});
		schema.number("latency", latency, 0.001, 86400);
		schema.boolean("log.input", logInput);
		schema.boolean("log.output", logOutput);
		schema.string("file.path", path);
		schema.strings("journal.match", matches);
	}
};

template <typename Fn>
void expectError(Fn fn, const std::vector<std::string> &parts, const std::string &name)
{
	try {
		fn();
		BOOST_ERROR(name << ": accepted");
	} catch (const ConfigError &e) {
		std::string what = e.what();
		for (const auto &p : parts)
			BOOST_TEST(what.find(p) != std::string::npos,
				   name << ": \"" << what << "\" lacks \"" << p << "\"");
	}
}

} // namespace

BOOST_AUTO_TEST_CASE(nested_objects)
{
	Settings s;
	s.schema.apply(JsonRef::parse(R"({"limit": {"rate": 10, "action": "drop"},
		"latency": 2.5, "log": {"input": true, "output": false},
		"file": {"path": "/var/log/x"}, "journal": {"match": ["A=1", "B=2"]}})"),
		       "test");
	BOOST_TEST(s.rate == 10);
	BOOST_TEST(s.burst == 32768); // untouched
	BOOST_TEST(s.action == "drop");
	BOOST_TEST(s.latency == 2.5);
	BOOST_TEST(s.logInput);
	BOOST_TEST(!s.logOutput);
	BOOST_TEST(s.path == "/var/log/x");
	BOOST_TEST(s.matches == (std::vector<std::string>{"A=1", "B=2"}),
		   boost::test_tools::per_element());
	// An integer is a fine number.
	s.schema.apply(JsonRef::parse(R"({"latency": 3})"), "test");
	BOOST_TEST(s.latency == 3.0);
}

BOOST_AUTO_TEST_CASE(unknown_keys_name_key_and_source)
{
	Settings s;
	const std::string src = "/etc/tlog/tlog-rec.conf";
	expectError([&] { s.schema.apply(JsonRef::parse(R"({"bogus": 1})"), src); },
		    {src + ": bogus: unknown key"}, "top level");
	expectError([&] { s.schema.apply(JsonRef::parse(R"({"limit": {"rat": 1}})"), src); },
		    {src + ": limit.rat: unknown key"}, "nested");
	expectError([&] { s.schema.apply(JsonRef::parse(R"({"limit": 5})"), src); },
		    {src + ": limit: must be an object"}, "object expected");
	expectError([&] { s.schema.applyText("limit.nope", "1", "--limit-nope"); },
		    {"--limit-nope: limit.nope: unknown key"}, "text");
	expectError([&] { s.schema.applyText("limit", "1", "argv"); }, {"argv: limit:"},
		    "a prefix is not a key");
	expectError([&] { s.schema.apply(JsonRef::parse("[1]"), src); },
		    {src + ": the configuration must be a JSON object"}, "not an object");
}

BOOST_AUTO_TEST_CASE(ranges_and_types)
{
	Settings s;
	struct Case {
		std::string json;
		std::string what;
	};
	const std::vector<Case> cases = {
	    {R"({"limit":{"rate":-1}})", "limit.rate: must be between 0 and 1073741824"},
	    {R"({"limit":{"rate":1073741825}})", "limit.rate: must be between 0 and 1073741824"},
	    {R"({"limit":{"rate":1.5}})", "limit.rate: must be an integer"},
	    {R"({"limit":{"rate":"10"}})", "limit.rate: must be an integer"},
	    {R"({"latency":0})", "latency: must be between 0.001 and 86400"},
	    {R"({"latency":86401})", "latency: must be between"},
	    {R"({"latency":"1"})", "latency: must be a number"},
	    {R"({"log":{"input":"true"}})", "log.input: must be true or false"},
	    {R"({"log":{"input":1}})", "log.input: must be true or false"},
	    {R"({"file":{"path":5}})", "file.path: must be a string"},
	    {R"({"limit":{"action":"explode"}})",
	     "limit.action: 'explode' is not one of: pass, delay, drop"},
	    {R"({"journal":{"match":"A=1"}})", "journal.match: must be an array of strings"},
	    {R"({"journal":{"match":[1]}})", "journal.match: must be an array of strings"},
	    // A NUL would cut a path or a name short without a word; shown
	    // escaped, so the message is not cut either.
	    {R"({"file":{"path":"/tmp/a\u0000b"}})", "file.path: '/tmp/a\\x00b' holds a NUL"},
	    {R"({"journal":{"match":["A=\u0000"]}})", "journal.match: 'A=\\x00' holds a NUL"},
	    {R"({"limit":{"action":"pass\u0000"}})", "limit.action: 'pass\\x00' holds a NUL"},
	    // Control characters in a key are not sent to the terminal.
	    {R"({"a\u001b[2J": 1})", "a\\x1b[2J: unknown key"},
	};
	for (const auto &c : cases)
		expectError([&] { s.schema.apply(JsonRef::parse(c.json), "src"); },
			    {"src: " + c.what}, c.json);
	// Rejected values leave the fields as they were.
	BOOST_TEST(s.rate == 16384);
	BOOST_TEST(s.latency == 10.0);
	BOOST_TEST(s.action == "pass");
	// The limits themselves are allowed.
	s.schema.apply(JsonRef::parse(R"({"limit":{"rate":1073741824,"burst":0}})"), "src");
	BOOST_TEST(s.rate == 1073741824);
	BOOST_TEST(s.burst == 0);
}

BOOST_AUTO_TEST_CASE(values_from_text)
{
	Settings s;
	for (auto [text, value] : std::vector<std::pair<std::string, bool>>{{"true", true},
									    {"false", false},
									    {"yes", true},
									    {"no", false},
									    {"1", true},
									    {"0", false},
									    {"on", true},
									    {"off", false}}) {
		s.logInput = !value;
		s.schema.applyText("log.input", text, "--log-input");
		BOOST_TEST(s.logInput == value, text);
	}
	for (std::string bad : {"maybe", "", "TRUE ", "2"})
		expectError([&] { s.schema.applyText("log.input", bad, "--log-input"); },
			    {"--log-input: log.input: '" + bad + "' is not a boolean"}, bad);

	s.schema.applyText("limit.rate", "2048", "--limit-rate");
	BOOST_TEST(s.rate == 2048);
	for (std::string bad : {"16k", "", " 1", "1.0", "99999999999999999999"})
		expectError([&] { s.schema.applyText("limit.rate", bad, "--limit-rate"); },
			    {"--limit-rate: limit.rate: '" + bad + "' is not an integer"}, bad);
	expectError([&] { s.schema.applyText("limit.rate", "-5", "--limit-rate"); },
		    {"--limit-rate: limit.rate: must be between 0 and 1073741824"},
		    "range from text");

	s.schema.applyText("latency", "0.25", "--latency");
	BOOST_TEST(s.latency == 0.25);
	for (std::string bad : {"x", "", "1s", "1e999"})
		expectError([&] { s.schema.applyText("latency", bad, "--latency"); },
			    {"--latency: latency: '" + bad + "' is not a number"}, bad);
	expectError([&] { s.schema.applyText("latency", "nan", "--latency"); },
		    {"--latency: latency: must be between"}, "nan");

	s.schema.applyText("limit.action", "delay", "--limit-action");
	BOOST_TEST(s.action == "delay");
	expectError([&] { s.schema.applyText("limit.action", "Drop", "--limit-action"); },
		    {"--limit-action: limit.action: 'Drop' is not one of: pass, delay, drop"},
		    "case");
	s.schema.applyText("file.path", "", "-o");
	BOOST_TEST(s.path.empty());
	s.schema.applyText("journal.match", "X=1", "--match");
	s.schema.applyText("journal.match", "Y=2", "--match");
	BOOST_TEST(s.matches == (std::vector<std::string>{"X=1", "Y=2"}),
		   boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(to_json_round_trip)
{
	Settings a;
	a.rate = 1;
	a.action = "drop";
	a.latency = 0.5;
	a.logInput = true;
	a.path = "/tmp/a \"b\"";
	a.matches = {"M=1"};
	auto json = a.schema.toJson();
	BOOST_TEST(json.toString() ==
		   R"({"limit":{"rate":1,"burst":32768,"action":"drop"},"latency":0.5,)"
		   R"("log":{"input":true,"output":true},"file":{"path":"/tmp/a \"b\""},)"
		   R"("journal":{"match":["M=1"]}})");
	Settings b;
	b.schema.apply(JsonRef::parse(json.toString(true)), "round trip");
	BOOST_TEST(b.rate == a.rate);
	BOOST_TEST(b.burst == a.burst);
	BOOST_TEST(b.action == a.action);
	BOOST_TEST(b.latency == a.latency);
	BOOST_TEST(b.logInput == a.logInput);
	BOOST_TEST(b.logOutput == a.logOutput);
	BOOST_TEST(b.path == a.path);
	BOOST_TEST(b.matches == a.matches, boost::test_tools::per_element());
	BOOST_TEST(b.schema.toJson().toString() == json.toString());
}

BOOST_AUTO_TEST_CASE(files_and_texts)
{
	tlog::test::TempDir dir;
	auto missing = (dir / "missing.conf").string();
	BOOST_TEST(tlog::conf::loadConfigFile(missing, false).isNull());
	expectError([&] { tlog::conf::loadConfigFile(missing, true); }, {missing, "cannot read"},
		    "must exist");

	auto good = dir / "good.conf";
	tlog::test::writeFile(good, "// comment\n{ /* c */ \"latency\": 4 }\n");
	Settings s;
	s.schema.apply(tlog::conf::loadConfigFile(good.string(), true), good.string());
	BOOST_TEST(s.latency == 4.0);

	auto bad = dir / "bad.conf";
	tlog::test::writeFile(bad, "{\"latency\": 4,,}");
	expectError([&] { tlog::conf::loadConfigFile(bad.string(), true); },
		    {bad.string(), "invalid JSON"}, "bad file");
	expectError([&] { tlog::conf::parseConfigText("[]", "TLOG_REC_CONF_TEXT"); },
		    {"TLOG_REC_CONF_TEXT", "must be a JSON object"}, "array text");
	expectError([&] { tlog::conf::parseConfigText("{} x", "TLOG_REC_CONF_TEXT"); },
		    {"TLOG_REC_CONF_TEXT", "invalid JSON"}, "trailing text");
	BOOST_TEST(
	    (tlog::conf::parseConfigText(" {} ", "t").type() == tlog::json::JsonType::Object));
}
