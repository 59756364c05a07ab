// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE writer_factory
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "config.h"
#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/sink/file_writer.hpp"
#include "tlog/sink/writer_factory.hpp"

using tlog::sink::makeWriter;
using tlog::sink::WriterSpec;

BOOST_AUTO_TEST_SUITE(writer_factory)

BOOST_AUTO_TEST_CASE(rejects_unknown_names)
{
	WriterSpec spec;
	spec.type = "fiel";
	try {
		makeWriter(spec);
		BOOST_FAIL("an unknown writer was made");
	} catch (const tlog::base::ConfigError &e) {
		BOOST_TEST(std::string(e.what()).find("'fiel'") != std::string::npos, e.what());
	}
}

BOOST_AUTO_TEST_CASE(file_needs_a_path)
{
	WriterSpec spec;
	spec.type = "file";
	BOOST_CHECK_THROW(makeWriter(spec), tlog::base::ConfigError);
}

BOOST_AUTO_TEST_CASE(makes_a_file_writer)
{
	tlog::test::TempDir dir;
	WriterSpec spec;
	spec.type = "file";
	spec.file.path = (dir / "rec.log").string();
	auto w = makeWriter(spec);
	BOOST_TEST(dynamic_cast<tlog::sink::FileWriter *>(w.get()) != nullptr);
	w->write("{}", {});
	BOOST_TEST(tlog::test::readFile(spec.file.path) == "{}\n");
}

BOOST_AUTO_TEST_CASE(lists_the_built_types)
{
	auto types = tlog::sink::writerTypes();
	BOOST_TEST((std::find(types.begin(), types.end(), "file") != types.end()));
	BOOST_TEST((std::find(types.begin(), types.end(), "syslog") != types.end()));
	bool journal = std::find(types.begin(), types.end(), "journal") != types.end();
	BOOST_TEST(journal == (ENABLE_JOURNAL != 0));
}

BOOST_AUTO_TEST_SUITE_END()
