// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE sink_journal
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <unistd.h>

#include <systemd/sd-journal.h>

#include "support/skip.hpp"
#include "tlog/base/c_free.hpp"
#include "tlog/sink/writer_factory.hpp"

namespace {

constexpr const char *kJournalSocket = "/run/systemd/journal/socket";

bool journalReachable()
{
	return ::access(kJournalSocket, W_OK) == 0;
}

using JournalPtr = std::unique_ptr<sd_journal, tlog::base::CFree<sd_journal_close>>;

std::string field(sd_journal *j, const char *name)
{
	const void *data = nullptr;
	size_t size = 0;
	if (sd_journal_get_data(j, name, &data, &size) < 0)
		return {};
	std::string s(static_cast<const char *>(data), size);
	return s.substr(s.find('=') + 1);
}

std::unique_ptr<tlog::sink::Writer> makeJournal(bool augment)
{
	tlog::sink::WriterSpec spec;
	spec.type = "journal";
	spec.journalPriority = "notice";
	spec.journalAugment = augment;
	spec.identifier = "test_sink_journal";
	return tlog::sink::makeWriter(spec);
}

} // namespace

BOOST_AUTO_TEST_CASE(unreachable_journal_is_an_error)
{
	if (journalReachable())
		return; // covered by the round trip below
	auto w = makeJournal(true);
	BOOST_CHECK_THROW(w->write("{}", {"h", "r", "u", 1, 1}), std::system_error);
}

BOOST_AUTO_TEST_CASE(round_trip_through_the_journal)
{
	tlog::test::requireOrSkip(journalReachable(), "a systemd journal");
	std::string rec =
	    "test-" + std::to_string(::getpid()) + "-" +
	    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
	auto w = makeJournal(true);
	w->write(R"({"ver":"2.3","id":5})", {"host.example", rec, "alice", 42, 5});

	sd_journal *raw = nullptr;
	BOOST_REQUIRE(sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY) >= 0);
	JournalPtr j(raw);
	std::string match = "TLOG_REC=" + rec;
	BOOST_REQUIRE(sd_journal_add_match(j.get(), match.data(), match.size()) >= 0);
	bool found = false;
	for (int i = 0; i < 50 && !found; i++) {
		sd_journal_seek_head(j.get());
		if (sd_journal_next(j.get()) > 0)
			found = true;
		else
			std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	BOOST_REQUIRE_MESSAGE(found, "the entry did not reach the journal");
	BOOST_TEST(field(j.get(), "MESSAGE") == R"({"ver":"2.3","id":5})");
	BOOST_TEST(field(j.get(), "PRIORITY") == "5");
	BOOST_TEST(field(j.get(), "TLOG_USER") == "alice");
	BOOST_TEST(field(j.get(), "TLOG_SESSION") == "42");
	BOOST_TEST(field(j.get(), "TLOG_ID") == "5");
	BOOST_TEST(field(j.get(), "TLOG_HOST") == "host.example");
	BOOST_TEST(field(j.get(), "SYSLOG_IDENTIFIER") == "test_sink_journal");
}
