// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE rec_config
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/json/json_ref.hpp"

using tlog::base::ConfigError;
using tlog::conf::ConfigOrigin;
using tlog::conf::loadRecConfig;
using tlog::conf::RecConfig;

namespace {

constexpr const char *kFileVar = "TLOG_TEST_REC_CONF_FILE";
constexpr const char *kTextVar = "TLOG_TEST_REC_CONF_TEXT";

/// A temporary directory with an origin pointing into it, and the test
/// variables unset.
struct Fixture {
	tlog::test::TempDir dir;
	ConfigOrigin origin{(dir / "system.conf").string(), kFileVar, kTextVar};
	Fixture()
	{
		::unsetenv(kFileVar);
		::unsetenv(kTextVar);
	}
	~Fixture()
	{
		::unsetenv(kFileVar);
		::unsetenv(kTextVar);
	}
	/// The message of the ConfigError that loading throws.
	std::string errorOf(const std::vector<tlog::conf::Setting> &argv = {})
	{
		try {
			loadRecConfig(origin, argv);
		} catch (const ConfigError &e) {
			return e.what();
		}
		BOOST_FAIL("no ConfigError");
		return {};
	}
};

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(rec_config, Fixture)

BOOST_AUTO_TEST_CASE(defaults_match_the_reference)
{
	// No system file, no variables.
	auto c = loadRecConfig(origin, {});
	BOOST_TEST(c.latency == 10);
	BOOST_TEST(c.payload == 2048);
	BOOST_TEST(!c.logInput);
	BOOST_TEST(c.logOutput);
	BOOST_TEST(c.logWindow);
	BOOST_TEST(c.limitRate == 16384);
	BOOST_TEST(c.limitBurst == 32768);
	BOOST_TEST(c.limitAction == "pass");
	BOOST_TEST(c.writer.file.path == "");
	BOOST_TEST(c.writer.syslog.facility == "authpriv");
	BOOST_TEST(c.writer.syslog.priority == "info");
	BOOST_TEST(c.writer.journal.priority == "info");
	BOOST_TEST(c.writer.journal.augment);
	BOOST_TEST(c.writer.journal.bufferBytes == 16u << 20);
	BOOST_TEST(!c.writer.journal.failOnOverflow); // "delay"
	BOOST_TEST(c.writer.type == "journal");
}

BOOST_AUTO_TEST_CASE(real_origin_names)
{
	auto o = tlog::conf::recConfigOrigin();
	BOOST_TEST(o.systemFile.ends_with("/tlog/tlog-rec.conf"));
	BOOST_TEST(o.fileVar == "TLOG_REC_CONF_FILE");
	BOOST_TEST(o.textVar == "TLOG_REC_CONF_TEXT");
}

BOOST_AUTO_TEST_CASE(layers_override_in_order)
{
	tlog::test::writeFile(origin.systemFile, R"({
		// comments are allowed
		"latency": 2, "payload": 100, "limit": {"rate": 1, "burst": 1},
		"log": {"input": true}})");
	auto envFile = dir / "env.conf";
	tlog::test::writeFile(envFile, R"({"payload": 200, "limit": {"rate": 2, "burst": 2}})");
	::setenv(kFileVar, envFile.c_str(), 1);
	::setenv(kTextVar, R"({"limit": {"rate": 3}, "writer": "syslog"})", 1);
	auto c = loadRecConfig(origin, {{"limit.burst", "4"}, {"writer", "journal"}});
	BOOST_TEST(c.latency == 2);		// system file only
	BOOST_TEST(c.logInput);			// system file only
	BOOST_TEST(c.payload == 200);		// env file over system file
	BOOST_TEST(c.limitRate == 3);		// env text over env file
	BOOST_TEST(c.limitBurst == 4);		// command line over env file
	BOOST_TEST(c.writer.type == "journal"); // command line over env text
}

BOOST_AUTO_TEST_CASE(missing_system_file_is_fine_missing_env_file_is_not)
{
	BOOST_CHECK_NO_THROW(loadRecConfig(origin, {}));
	auto missing = (dir / "nope.conf").string();
	::setenv(kFileVar, missing.c_str(), 1);
	auto what = errorOf();
	BOOST_TEST(contains(what, missing), what);
	BOOST_TEST(contains(what, kFileVar), what);
}

BOOST_AUTO_TEST_CASE(unknown_key_names_key_and_source)
{
	tlog::test::writeFile(origin.systemFile, R"({"log": {"inptu": true}})");
	auto what = errorOf();
	BOOST_TEST(contains(what, origin.systemFile), what);
	BOOST_TEST(contains(what, "log.inptu"), what);

	tlog::test::writeFile(origin.systemFile, "{}");
	::setenv(kTextVar, R"({"latncy": 3})", 1);
	what = errorOf();
	BOOST_TEST(contains(what, kTextVar), what);
	BOOST_TEST(contains(what, "latncy"), what);

	::unsetenv(kTextVar);
	what = errorOf({{"limit.speed", "3"}});
	BOOST_TEST(contains(what, "command line"), what);
	BOOST_TEST(contains(what, "limit.speed"), what);
}

BOOST_AUTO_TEST_CASE(out_of_range_and_bad_values)
{
	auto what = errorOf({{"payload", "31"}});
	BOOST_TEST(contains(what, "payload"), what);
	BOOST_TEST(contains(what, "32"), what);
	what = errorOf({{"latency", "0"}});
	BOOST_TEST(contains(what, "latency"), what);
	what = errorOf({{"payload", "99999999999999999999"}});
	BOOST_TEST(contains(what, "payload"), what);
	what = errorOf({{"limit.rate", "-1"}});
	BOOST_TEST(contains(what, "limit.rate"), what);
	what = errorOf({{"writer", "fiel"}});
	BOOST_TEST(contains(what, "writer"), what);
	BOOST_TEST(contains(what, "fiel"), what);
	what = errorOf({{"syslog.facility", "local9"}});
	BOOST_TEST(contains(what, "syslog.facility"), what);
	what = errorOf({{"log.input", "maybe"}});
	BOOST_TEST(contains(what, "log.input"), what);
	::setenv(kTextVar, R"({"latency": "10"})", 1);
	what = errorOf();
	BOOST_TEST(contains(what, "latency"), what);
	BOOST_TEST(contains(what, kTextVar), what);
}

BOOST_AUTO_TEST_CASE(bad_json_names_the_file)
{
	tlog::test::writeFile(origin.systemFile, R"({"latency": 3,,})");
	auto what = errorOf();
	BOOST_TEST(contains(what, origin.systemFile), what);
	::setenv(kTextVar, "{", 1);
	tlog::test::writeFile(origin.systemFile, "{}");
	what = errorOf();
	BOOST_TEST(contains(what, kTextVar), what);
}

BOOST_AUTO_TEST_CASE(file_writer_needs_a_path)
{
	RecConfig c;
	c.writer.type = "file";
	try {
		c.validate();
		BOOST_FAIL("writer=file without file.path passed validation");
	} catch (const ConfigError &e) {
		BOOST_TEST(contains(e.what(), "file.path"), e.what());
	}
	c.writer.file.path = "/tmp/x.log";
	BOOST_CHECK_NO_THROW(c.validate());
	c.writer.file.path.clear();
	c.writer.type = "syslog";
	BOOST_CHECK_NO_THROW(c.validate());
	c.limitAction = "delay";
	c.limitRate = 0;
	BOOST_CHECK_THROW(c.validate(), ConfigError);
}

BOOST_AUTO_TEST_CASE(configuration_json_shows_everything)
{
	auto c = loadRecConfig(origin, {{"file.path", "/var/log/x"}, {"log.input", "true"}});
	auto json = tlog::json::JsonRef::parse(tlog::conf::configurationJson(c));
	BOOST_TEST(json.member("latency")->asInt() == 10);
	BOOST_TEST(json.member("writer")->asString() == "journal");
	BOOST_TEST(json.member("journal")->member("overflow")->asString() == "delay");
	BOOST_TEST(json.member("file")->member("path")->asString() == "/var/log/x");
	BOOST_TEST(json.member("log")->member("input")->asBool());
	BOOST_TEST(json.member("limit")->member("action")->asString() == "pass");
	BOOST_TEST(json.member("syslog")->member("facility")->asString() == "authpriv");
	BOOST_TEST(json.member("journal")->member("augment")->asBool());
}

BOOST_AUTO_TEST_SUITE_END()
