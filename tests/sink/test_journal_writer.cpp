// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE sink_journal
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include <sys/uio.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "stderr_capture.hpp"
#include "support/skip.hpp"
#include "support/virtual_clock.hpp"
#include "tlog/base/c_free.hpp"
#include "tlog/sink/journal_writer.hpp"
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
	spec.journal.priority = "notice";
	spec.journal.augment = augment;
	spec.journal.identifier = "test_sink_journal";
	return tlog::sink::makeWriter(spec);
}

} // namespace

// A journal that refuses while `down` is set, and records what it took;
// the writer given fn() waits on `clock`, so its waits take no real time.
struct FakeJournal {
	tlog::test::VirtualClock clock;
	bool down = false;
	int error = ECONNREFUSED;
	int calls = 0;
	std::vector<std::vector<std::string>> entries;
	// After this many refusals the journal comes back by itself (-1: never).
	int upAfter = -1;

	tlog::sink::JournalWriter::SendFn fn()
	{
		return [this](const iovec *iov, int n) {
			calls++;
			if (down && upAfter >= 0 && upAfter-- == 0)
				down = false;
			if (down)
				return -error;
			std::vector<std::string> fields;
			for (int i = 0; i < n; i++)
				fields.emplace_back(static_cast<const char *>(iov[i].iov_base),
						    iov[i].iov_len);
			entries.push_back(std::move(fields));
			return 0;
		};
	}
	std::vector<std::string> messages() const
	{
		std::vector<std::string> out;
		for (auto &e : entries)
			out.push_back(e[0]);
		return out;
	}
};

namespace {

tlog::sink::JournalWriter::Options smallOptions()
{
	tlog::sink::JournalWriter::Options o;
	o.identifier = "test";
	o.bufferBytes = 100;
	o.exitWait = std::chrono::milliseconds(300);
	return o;
}

tlog::sink::MessageFields fieldsFor(std::uint64_t id)
{
	return {"h", "r", "u", 1, id, {}, false};
}

} // namespace

BOOST_AUTO_TEST_CASE(held_while_away_then_delivered_in_order_once)
{
	FakeJournal fake;
	tlog::sink::JournalWriter w(smallOptions(), fake.fn(), fake.clock);
	w.write("m1", fieldsFor(1));
	fake.down = true;
	w.write("m2", fieldsFor(2));
	w.write("m3", fieldsFor(3));
	BOOST_TEST(w.heldCount() == 2u);
	BOOST_REQUIRE(w.retryDeadline().has_value());
	w.retry(); // still down
	BOOST_TEST(w.heldCount() == 2u);
	fake.down = false;
	w.retry();
	BOOST_TEST(w.heldCount() == 0u);
	BOOST_TEST(!w.retryDeadline().has_value());
	w.write("m4", fieldsFor(4));
	std::vector<std::string> want{"MESSAGE=m1", "MESSAGE=m2", "MESSAGE=m3", "MESSAGE=m4"};
	BOOST_TEST(fake.messages() == want, boost::test_tools::per_element());
	BOOST_TEST(fake.entries[1][6] == "TLOG_ID=2");
}

BOOST_AUTO_TEST_CASE(overflow_fails_closed_when_asked)
{
	FakeJournal fake;
	auto o = smallOptions();
	o.failOnOverflow = true;
	tlog::sink::JournalWriter w(o, fake.fn(), fake.clock);
	fake.down = true;
	std::string big(60, 'x');
	w.write(big, fieldsFor(1));
	BOOST_CHECK_EXCEPTION(
	    w.write(big, fieldsFor(2)), std::runtime_error, [](const std::runtime_error &e) {
		    return std::string(e.what()).find("journal.overflow=fail") != std::string::npos;
	    });
}

BOOST_AUTO_TEST_CASE(overflow_delays_until_the_journal_is_back)
{
	FakeJournal fake;
	tlog::sink::JournalWriter w(smallOptions(), fake.fn(), fake.clock);
	fake.down = true;
	fake.upAfter = 3; // back after three more refusals
	std::string big(60, 'x');
	w.write(big, fieldsFor(1));
	w.write(big, fieldsFor(2)); // over the bound: blocks until delivered
	BOOST_TEST(w.heldCount() == 0u);
	BOOST_TEST(fake.entries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(flush_reports_what_never_went_out)
{
	FakeJournal fake;
	tlog::sink::JournalWriter w(smallOptions(), fake.fn(), fake.clock);
	fake.down = true;
	w.write("m1", fieldsFor(7));
	w.write("m2", fieldsFor(8));
	BOOST_CHECK_EXCEPTION(w.flush(), std::runtime_error, [](const std::runtime_error &e) {
		std::string what = e.what();
		return what.find("2 messages") != std::string::npos &&
		       what.find("ids 7-8") != std::string::npos;
	});
}

BOOST_AUTO_TEST_CASE(a_rejected_message_is_an_error_at_once)
{
	FakeJournal fake;
	fake.down = true;
	fake.error = EMSGSIZE;
	tlog::sink::JournalWriter w(smallOptions(), fake.fn(), fake.clock);
	BOOST_CHECK_THROW(w.write("m", fieldsFor(1)), std::system_error);
	BOOST_TEST(w.heldCount() == 0u);
}

BOOST_AUTO_TEST_CASE(without_augment_only_message_and_priority)
{
	FakeJournal fake;
	auto o = smallOptions();
	o.augment = false;
	tlog::sink::JournalWriter w(o, fake.fn(), fake.clock);
	w.write("m", fieldsFor(1));
	std::vector<std::string> want{"MESSAGE=m", "PRIORITY=6"};
	BOOST_TEST(fake.entries.at(0) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(round_trip_through_the_journal)
{
	tlog::test::requireOrSkip(journalReachable(), "a systemd journal");
	std::string rec =
	    "test-" + std::to_string(::getpid()) + "-" +
	    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
	auto w = makeJournal(true);
	// Marked as a signed end: the marks travel as fields beside MESSAGE.
	w->write(R"({"ver":"2.3","id":5})", {"host.example", rec, "alice", 42, 5, "c2ln", true});

	sd_journal *raw = nullptr;
	BOOST_REQUIRE(sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY) >= 0);
	JournalPtr j(raw);
	std::string match = "TLOG_REC=" + rec;
	BOOST_REQUIRE(sd_journal_add_match(j.get(), match.data(), match.size()) >= 0);
	// Woken by the journal; the deadline is only for a journald that
	// lost the entry, far beyond what a loaded machine takes.
	bool found = false;
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
	while (!found && std::chrono::steady_clock::now() < deadline) {
		sd_journal_seek_head(j.get());
		if (sd_journal_next(j.get()) > 0)
			found = true;
		else
			sd_journal_wait(j.get(), 100000);
	}
	BOOST_REQUIRE_MESSAGE(found, "the entry did not reach the journal");
	BOOST_TEST(field(j.get(), "MESSAGE") == R"({"ver":"2.3","id":5})");
	BOOST_TEST(field(j.get(), "PRIORITY") == "5");
	BOOST_TEST(field(j.get(), "TLOG_USER") == "alice");
	BOOST_TEST(field(j.get(), "TLOG_SESSION") == "42");
	BOOST_TEST(field(j.get(), "TLOG_ID") == "5");
	BOOST_TEST(field(j.get(), "TLOG_HOST") == "host.example");
	BOOST_TEST(field(j.get(), "SYSLOG_IDENTIFIER") == "test_sink_journal");
	BOOST_TEST(field(j.get(), "TLOG_SIG") == "c2ln");
	BOOST_TEST(field(j.get(), "TLOG_END") == "1");
}

BOOST_AUTO_TEST_CASE(pacing_keeps_within_the_rate_limit_and_loses_nothing)
{
	tlog::test::StderrCapture err;
	FakeJournal fake;
	auto o = smallOptions();
	o.bufferBytes = 1 << 20;
	o.rateBurst = 3;
	o.rateInterval = std::chrono::seconds(1);
	tlog::sink::JournalWriter w(o, fake.fn(), fake.clock);
	for (std::uint64_t id = 1; id <= 5; id++)
		w.write("m" + std::to_string(id), fieldsFor(id));
	BOOST_TEST(err.text().find("pacing messages") != std::string::npos);
	BOOST_TEST(fake.entries.size() == 3u); // the budget of this second
	BOOST_TEST(w.heldCount() == 2u);
	BOOST_REQUIRE(w.retryDeadline().has_value());
	auto wait = *w.retryDeadline() - fake.clock.monotonic();
	BOOST_TEST(wait.count() > 0);
	BOOST_TEST(wait <= std::chrono::seconds(1));
	fake.clock.sleepUntil(*w.retryDeadline());
	w.retry();
	std::vector<std::string> want{"MESSAGE=m1", "MESSAGE=m2", "MESSAGE=m3", "MESSAGE=m4",
				      "MESSAGE=m5"};
	BOOST_TEST(fake.messages() == want, boost::test_tools::per_element());
	BOOST_TEST(w.heldCount() == 0u);
	// Held again in a later window: said once a recording, not in every
	// window of a flood.
	auto said = err.text();
	for (std::uint64_t id = 6; id <= 9; id++)
		w.write("m" + std::to_string(id), fieldsFor(id));
	BOOST_TEST(w.heldCount() > 0u);
	BOOST_TEST(err.text() == said);
}

BOOST_AUTO_TEST_CASE(flush_waits_out_every_pacing_window)
{
	// At exit more is held for the pacing than one window takes (a
	// flood's last 16 MiB at a small payload): flush() waits as many
	// windows as that needs, longer than exitWait, and drops nothing.
	tlog::test::StderrCapture err;
	FakeJournal fake;
	auto o = smallOptions(); // exitWait 300 ms
	o.bufferBytes = 1 << 20;
	o.rateBurst = 3;
	o.rateInterval = std::chrono::seconds(1);
	tlog::sink::JournalWriter w(o, fake.fn(), fake.clock);
	std::vector<std::string> want;
	for (std::uint64_t id = 1; id <= 8; id++) {
		w.write("m" + std::to_string(id), fieldsFor(id));
		want.push_back("MESSAGE=m" + std::to_string(id));
	}
	BOOST_TEST(w.heldCount() == 5u);
	w.flush();
	BOOST_TEST(w.heldCount() == 0u);
	BOOST_TEST(fake.messages() == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(messages_stay_below_journalctls_null)
{
	// journalctl -o json shows "MESSAGE=" plus 4088 bytes as null (the
	// journal_cockpit test checks that against journalctl itself).
	FakeJournal fake;
	tlog::sink::JournalWriter w(smallOptions(), fake.fn(), fake.clock);
	BOOST_TEST(w.maxMessageSize() == 4087u);
}

BOOST_AUTO_TEST_CASE(an_outage_while_pacing_is_said_too)
{
	// Messages held for pacing when journald goes away: the outage is
	// announced as one that starts with a write would be.
	tlog::test::StderrCapture err;
	FakeJournal fake;
	auto o = smallOptions();
	o.bufferBytes = 1 << 20;
	o.rateBurst = 2;
	o.rateInterval = std::chrono::seconds(1);
	tlog::sink::JournalWriter w(o, fake.fn(), fake.clock);
	for (std::uint64_t id = 1; id <= 4; id++)
		w.write("m" + std::to_string(id), fieldsFor(id));
	BOOST_TEST(w.heldCount() == 2u);
	BOOST_TEST(err.text().find("does not accept") == std::string::npos);
	fake.down = true;
	BOOST_REQUIRE(w.retryDeadline().has_value());
	fake.clock.sleepUntil(*w.retryDeadline());
	w.retry();
	BOOST_TEST(w.heldCount() == 2u);
	BOOST_TEST(err.text().find("the journal does not accept messages") != std::string::npos,
		   err.text());
	fake.down = false;
	BOOST_REQUIRE(w.retryDeadline().has_value());
	fake.clock.sleepUntil(*w.retryDeadline());
	w.retry();
	BOOST_TEST(w.heldCount() == 0u);
	BOOST_TEST(err.text().find("the journal is back") != std::string::npos, err.text());
	std::vector<std::string> want{"MESSAGE=m1", "MESSAGE=m2", "MESSAGE=m3", "MESSAGE=m4"};
	BOOST_TEST(fake.messages() == want, boost::test_tools::per_element());
}
