// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE recorder
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "../sink/stderr_capture.hpp"
#include "support/files.hpp"
#include "support/skip.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/rec/recorder.hpp"
#include "tlog/sink/forwarding_writer.hpp"
#include "tlog/sink/mem_writer.hpp"
#include "tlog/term/window.hpp"

using namespace std::chrono_literals;
using tlog::codec::Packet;
using tlog::codec::PacketType;
using tlog::rec::Recorder;
using tlog::rec::RecorderOptions;
using tlog::sink::MemWriter;

namespace {

tlog::codec::Envelope testEnvelope()
{
	return tlog::codec::Envelope{"host.test", "rec-1", "tester", "xterm", 7};
}

/// Decodes a recording: every message must parse and follow the previous.
std::vector<Packet> decode(const std::vector<std::string> &messages)
{
	tlog::codec::ChunkDecoder decoder;
	std::vector<Packet> packets;
	for (std::size_t i = 0; i < messages.size(); i++) {
		auto location = "message " + std::to_string(i + 1);
		decoder.decode(tlog::codec::parseMessage(messages[i], location), location, packets);
	}
	return packets;
}

std::string joined(const std::vector<Packet> &packets, PacketType type)
{
	std::string out;
	for (auto &p : packets)
		if (p.type == type)
			out += p.data;
	return out;
}

/// Blocks the recorder's signals in this thread, so that threads started
/// afterwards inherit the mask and cannot take a SIGCHLD meant for the
/// recorder's signalfd.
class BlockSignals {
public:
	BlockSignals()
	{
		sigset_t set;
		sigemptyset(&set);
		for (int s : {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP})
			sigaddset(&set, s);
		pthread_sigmask(SIG_BLOCK, &set, &old_);
	}
	~BlockSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

private:
	sigset_t old_;
};

/// A pty standing in for the user's terminal: the recorder gets the
/// slave, a thread collects everything written to the master.
class FakeTerminal {
public:
	explicit FakeTerminal(tlog::term::WindowSize size = {100, 30})
	{
		tlog::test::requireOrSkip(::access("/dev/ptmx", R_OK | W_OK) == 0, "/dev/ptmx");
		winsize ws{size.rows, size.cols, 0, 0};
		int m, s;
		BOOST_REQUIRE(::openpty(&m, &s, nullptr, nullptr, &ws) == 0);
		master_ = m;
		slave_ = s;
		::fcntl(master_, F_SETFD, FD_CLOEXEC);
		::fcntl(slave_, F_SETFD, FD_CLOEXEC);
		BOOST_REQUIRE(::tcgetattr(slave_, &before_) == 0);
		reader_ = std::thread([this] { collect(); });
	}
	~FakeTerminal()
	{
		stop();
		::close(slave_);
		::close(master_);
	}
	int slave() const { return slave_; }
	int master() const { return master_; }
	/// Everything the recorder wrote to the terminal.
	std::string stop()
	{
		if (reader_.joinable()) {
			done_ = true;
			reader_.join();
		}
		std::lock_guard guard(lock_);
		return screen_;
	}
	/// Waits until the terminal has shown @p text (false after a minute:
	/// a deadline for failing, not a measure of speed).
	bool waitFor(std::string_view text)
	{
		std::unique_lock guard(lock_);
		return shown_.wait_for(guard, 60s,
				       [&] { return screen_.find(text) != std::string::npos; });
	}
	/// Waits until the recorder has put the terminal in raw mode: from
	/// then on what is typed goes to the program (typed before, the
	/// switch's TCSAFLUSH may discard it).
	bool waitRaw() const
	{
		auto deadline = std::chrono::steady_clock::now() + 60s;
		for (;;) {
			termios now{};
			if (::tcgetattr(slave_, &now) == 0 && (now.c_lflag & ICANON) == 0)
				return true;
			if (std::chrono::steady_clock::now() > deadline)
				return false;
			std::this_thread::sleep_for(5ms);
		}
	}
	/// The slave's attributes are back to what they were.
	bool restored() const
	{
		termios now{};
		::tcgetattr(slave_, &now);
		return now.c_lflag == before_.c_lflag && now.c_oflag == before_.c_oflag &&
		       now.c_iflag == before_.c_iflag;
	}

private:
	void collect()
	{
		char buf[4096];
		int quiet = 0;
		for (;;) {
			pollfd p{master_, POLLIN, 0};
			int r = ::poll(&p, 1, 50);
			if (r > 0 && (p.revents & POLLIN) != 0) {
				auto n = ::read(master_, buf, sizeof(buf));
				if (n > 0) {
					{
						std::lock_guard guard(lock_);
						screen_.append(buf, static_cast<std::size_t>(n));
					}
					shown_.notify_all();
					quiet = 0;
					continue;
				}
			}
			// The kernel moves slave output to the master
			// asynchronously: on a busy machine it can lag, so
			// stop only after a quiet half second.
			if (done_ && ++quiet >= 10)
				return;
		}
	}

	BlockSignals block_; // before the thread starts
	int master_ = -1, slave_ = -1;
	termios before_{};
	std::thread reader_;
	std::atomic<bool> done_{false};
	std::mutex lock_;
	std::condition_variable shown_;
	std::string screen_;
};

/// A MemWriter that a test thread can wait on (the recorder writes from
/// the test's main thread, the test waits in another).
class WatchedWriter final : public tlog::sink::Writer {
public:
	void write(std::string_view message, const tlog::sink::MessageFields &fields) override
	{
		{
			std::lock_guard guard(lock_);
			mem_.write(message, fields);
		}
		written_.notify_all();
	}
	void flush() override { mem_.flush(); }
	/// Waits until @p count messages were written (false after a minute).
	bool waitForMessages(std::size_t count)
	{
		std::unique_lock guard(lock_);
		return written_.wait_for(guard, 60s,
					 [&] { return mem_.messages().size() >= count; });
	}
	/// Once the recorder is done.
	const tlog::sink::MemWriter &mem() const noexcept { return mem_; }

private:
	std::mutex lock_;
	std::condition_variable written_;
	tlog::sink::MemWriter mem_;
};

RecorderOptions onTerminal(const FakeTerminal &t, std::vector<std::string> command)
{
	RecorderOptions o;
	o.command = std::move(command);
	o.inFd = o.outFd = o.errFd = t.slave();
	return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(on_a_pty)

BOOST_AUTO_TEST_CASE(records_exactly_what_the_program_printed)
{
	FakeTerminal term;
	MemWriter writer;
	Recorder rec(onTerminal(term, {"printf", "hello\\nw\\303\\266rld \\377 end"}),
		     testEnvelope(), writer);
	auto result = rec.run();
	auto screen = term.stop();
	BOOST_TEST(result.exitStatus == 0);
	BOOST_TEST(!result.signal);
	BOOST_REQUIRE(!writer.messages().empty());
	auto packets = decode(writer.messages());
	// The pty turns \n into \r\n; the bytes, invalid one included, are kept.
	BOOST_TEST(joined(packets, PacketType::Output) == "hello\r\nw\xc3\xb6rld \xff end");
	BOOST_TEST(screen == "hello\r\nw\xc3\xb6rld \xff end");
	BOOST_TEST((packets.front() == Packet::window(packets.front().ts, 100, 30)));
	BOOST_TEST(joined(packets, PacketType::Input).empty());
	BOOST_TEST(writer.flushes() == 1u);
	BOOST_TEST(writer.fields().front().rec == "rec-1");
	BOOST_TEST(writer.fields().front().id == 1u);
	BOOST_TEST(writer.messages().front().find(R"("host":"host.test")") != std::string::npos);
	BOOST_TEST(term.restored());
}

BOOST_AUTO_TEST_CASE(exit_status_is_passed_on)
{
	FakeTerminal term;
	MemWriter writer;
	Recorder rec(onTerminal(term, {"sh", "-c", "printf x; exit 3"}), testEnvelope(), writer);
	auto result = rec.run();
	BOOST_TEST(result.exitStatus == 3);
	BOOST_TEST(joined(decode(writer.messages()), PacketType::Output) == "x");
}

BOOST_AUTO_TEST_CASE(death_by_signal_is_128_plus_n)
{
	FakeTerminal term;
	MemWriter writer;
	Recorder rec(onTerminal(term, {"sh", "-c", "printf bye; kill -TERM $$"}), testEnvelope(),
		     writer);
	auto result = rec.run();
	BOOST_TEST(result.exitStatus == 128 + SIGTERM);
	BOOST_TEST(!result.signal);
	BOOST_TEST(joined(decode(writer.messages()), PacketType::Output) == "bye");
}

BOOST_AUTO_TEST_CASE(input_is_passed_and_recorded_when_asked)
{
	FakeTerminal term;
	MemWriter writer;
	auto options = onTerminal(term, {"sh", "-c", "read line; printf \"got:%s\" \"$line\""});
	options.logInput = true;
	Recorder rec(options, testEnvelope(), writer);
	std::thread typist([&term] {
		if (term.waitRaw())
			(void)!::write(term.master(), "abc\r", 4);
	});
	auto result = rec.run();
	typist.join();
	BOOST_TEST(result.exitStatus == 0);
	auto packets = decode(writer.messages());
	BOOST_TEST(joined(packets, PacketType::Input) == "abc\r");
	// The pty echoes the line, then the program answers.
	BOOST_TEST(joined(packets, PacketType::Output) == "abc\r\ngot:abc");
}

BOOST_AUTO_TEST_CASE(window_changes_are_recorded)
{
	FakeTerminal term;
	MemWriter writer;
	// The program waits for the new size to reach its pty.
	Recorder rec(onTerminal(term, {"sh", "-c",
				       "while [ \"$(stty size)\" = '30 100' ]; do sleep 0.05; done;"
				       " stty size"}),
		     testEnvelope(), writer);
	std::thread resizer([&term] {
		if (!term.waitRaw())
			return;
		tlog::term::setWindowSize(term.master(), {120, 40});
		::kill(::getpid(), SIGWINCH);
	});
	auto result = rec.run();
	resizer.join();
	BOOST_TEST(result.exitStatus == 0);
	auto packets = decode(writer.messages());
	std::vector<std::pair<int, int>> windows;
	for (auto &p : packets)
		if (p.type == PacketType::Window)
			windows.emplace_back(p.cols, p.rows);
	BOOST_REQUIRE(windows.size() >= 2u);
	BOOST_TEST((windows.front() == std::pair<int, int>(100, 30)));
	BOOST_TEST((windows.back() == std::pair<int, int>(120, 40)));
	// The program saw the new size on its pty.
	BOOST_TEST(joined(packets, PacketType::Output) == "40 120\r\n");
}

BOOST_AUTO_TEST_CASE(latency_flushes_a_message_before_exit)
{
	FakeTerminal term;
	WatchedWriter writer;
	// The program goes on ("late") only once the latency flushed "early"
	// as a message of its own: nothing depends on how fast anything runs.
	auto options =
	    onTerminal(term, {"sh", "-c", "stty -echo; printf early; read x; printf late"});
	options.latency = std::chrono::seconds(1);
	Recorder rec(options, testEnvelope(), writer);
	std::thread typist([&] {
		if (writer.waitForMessages(1))
			(void)!::write(term.master(), "\r", 1);
	});
	rec.run();
	typist.join();
	const auto &messages = writer.mem().messages();
	BOOST_REQUIRE(messages.size() == 2u);
	auto first = tlog::codec::parseMessage(messages[0], "1");
	BOOST_TEST(first.outTxt == "early");
	BOOST_TEST(joined(decode(messages), PacketType::Output) == "earlylate");
}

BOOST_AUTO_TEST_CASE(signal_to_the_recorder_flushes_and_reports_it)
{
	FakeTerminal term;
	MemWriter writer;
	// The signal comes once the program's output was shown; a recorder
	// that waited for the program would wait ten minutes (the test's
	// timeout fails it).
	Recorder rec(onTerminal(term, {"sh", "-c", "printf started; exec sleep 600"}),
		     testEnvelope(), writer);
	std::thread killer([&term] {
		if (term.waitFor("started"))
			::kill(::getpid(), SIGTERM);
	});
	auto result = rec.run();
	killer.join();
	BOOST_REQUIRE(result.signal.has_value());
	BOOST_TEST(*result.signal == SIGTERM);
	BOOST_TEST(writer.flushes() == 1u);
	BOOST_TEST(joined(decode(writer.messages()), PacketType::Output) == "started");
	BOOST_TEST(term.restored());
}

BOOST_AUTO_TEST_CASE(writer_failure_stops_the_recording)
{
	FakeTerminal term;
	MemWriter writer;
	writer.failAfter(0);
	// A recorder that went on would wait for the program, ten minutes
	// (the test's timeout fails it).
	auto options = onTerminal(term, {"sh", "-c", "printf x; exec sleep 600"});
	options.latency = std::chrono::seconds(1);
	Recorder rec(options, testEnvelope(), writer);
	try {
		rec.run();
		BOOST_FAIL("a failing writer did not stop the recording");
	} catch (const std::runtime_error &e) {
		BOOST_TEST(std::string(e.what()).find("cannot log") != std::string::npos);
	}
	BOOST_TEST(term.restored());
}

BOOST_AUTO_TEST_CASE(large_output_passes_whole)
{
	FakeTerminal term;
	MemWriter writer;
	// 200 000 bytes: many reads, many messages, back-pressure on the
	// terminal side.
	Recorder rec(onTerminal(term, {"sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a"}),
		     testEnvelope(), writer);
	auto result = rec.run();
	auto screen = term.stop();
	BOOST_TEST(result.exitStatus == 0);
	BOOST_TEST(writer.messages().size() > 90u);
	// Sizes first, and no 200 kB dumps when the content differs.
	auto recorded = joined(decode(writer.messages()), PacketType::Output);
	BOOST_TEST(recorded.size() == 200000u);
	BOOST_TEST((recorded == std::string(200000, 'a')));
	BOOST_TEST(screen.size() == 200000u);
	BOOST_TEST((screen == std::string(200000, 'a')));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(on_pipes)

BOOST_AUTO_TEST_CASE(without_a_terminal_uses_pipes)
{
	BlockSignals block;
	tlog::test::TempDir dir;
	tlog::test::writeFile(dir / "in", "line one\nline two\n");
	int in = ::open((dir / "in").c_str(), O_RDONLY | O_CLOEXEC);
	int out = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	BOOST_REQUIRE(in >= 0 && out >= 0 && err >= 0);
	MemWriter writer;
	RecorderOptions o;
	o.command = {"sh", "-c", "cat; printf oops >&2; exit 5"};
	o.inFd = in;
	o.outFd = out;
	o.errFd = err;
	o.logInput = true;
	Recorder rec(o, testEnvelope(), writer);
	auto result = rec.run();
	::close(in);
	::close(out);
	::close(err);
	BOOST_TEST(result.exitStatus == 5);
	auto packets = decode(writer.messages());
	// No terminal: no window records and bare \n.
	for (auto &p : packets)
		BOOST_TEST((p.type != PacketType::Window));
	BOOST_TEST(joined(packets, PacketType::Input) == "line one\nline two\n");
	BOOST_TEST(joined(packets, PacketType::Output) == "line one\nline two\noops");
	BOOST_TEST(tlog::test::readFile(dir / "out") == "line one\nline two\n");
	BOOST_TEST(tlog::test::readFile(dir / "err") == "oops");
}

BOOST_AUTO_TEST_CASE(stdout_and_stderr_keep_their_own_cut_characters)
{
	// stdout's read ends inside "é" and stderr's bytes come before the
	// rest of it: each stream's character is completed from its own
	// bytes, none turned into binary.
	BlockSignals block;
	tlog::test::TempDir dir;
	int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	BOOST_REQUIRE(in >= 0 && out >= 0 && err >= 0);
	MemWriter writer;
	RecorderOptions o;
	o.command = {"sh", "-c",
		     "printf 'a\\303'; sleep 0.2; printf '\\342\\202' >&2; sleep 0.2; "
		     "printf '\\251b'; sleep 0.2; printf '\\254' >&2"};
	o.inFd = in;
	o.outFd = out;
	o.errFd = err;
	Recorder rec(o, testEnvelope(), writer);
	auto result = rec.run();
	::close(in);
	::close(out);
	::close(err);
	BOOST_TEST(result.exitStatus == 0);
	auto packets = decode(writer.messages());
	auto output = joined(packets, PacketType::Output);
	// In the order the streams completed them; a slow machine may read
	// both halves of one at once, which changes nothing.
	BOOST_TEST((output == "a\u00e9b\u20ac" || output == "a\u20ac\u00e9b"), output);
	for (const auto &m : writer.messages())
		BOOST_TEST(m.find("\"out_bin\":[]") != std::string::npos, m);
	BOOST_TEST(tlog::test::readFile(dir / "out") == "a\u00e9b");
	BOOST_TEST(tlog::test::readFile(dir / "err") == "\u20ac");
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// A MemWriter behind a bound on whole messages, as the journal writer
/// has (JournalWriter::kMaxMessage, 4087 bytes).
class BoundedWriter final : public tlog::sink::ForwardingWriter {
public:
	explicit BoundedWriter(std::size_t bound) : bound_(bound)
	{
		auto mem = std::make_unique<MemWriter>();
		mem_ = mem.get();
		setTarget(std::move(mem));
	}
	std::size_t maxMessageSize() const noexcept override { return bound_; }
	const std::vector<std::string> &messages() const noexcept { return mem_->messages(); }

private:
	std::size_t bound_;
	MemWriter *mem_ = nullptr;
};

constexpr std::size_t kJournalMax = 4087;

// Lines, invalid bytes (each "255," in out_bin and U+FFFD in out_txt),
// 4-byte characters and control bytes (\u00XX in JSON), as a flood.
const char *const kMixedFlood = "seq 1 20000; head -c 6000 /dev/zero | tr '\\0' '\\377'; "
				"i=0; while [ $i -lt 1500 ]; do printf '\\360\\237\\230\\200'; "
				"i=$((i+1)); done; head -c 6000 /dev/zero | tr '\\0' '\\001'";

tlog::codec::Envelope longTermEnvelope(std::size_t termSize)
{
	auto envelope = testEnvelope();
	envelope.term = "xterm-" + std::string(termSize - 6, 'x');
	return envelope;
}

} // namespace

BOOST_AUTO_TEST_SUITE(bounded_writer)

BOOST_AUTO_TEST_CASE(a_long_envelope_lowers_the_payload_so_that_every_message_fits)
{
	// A 2000-byte TERM: payload 2048 plus the envelope would pass 4087
	// bytes. The payload is lowered for this recording, said once.
	tlog::test::StderrCapture err;
	FakeTerminal term;
	BoundedWriter writer(kJournalMax);
	Recorder rec(onTerminal(term, {"sh", "-c", kMixedFlood}), longTermEnvelope(2000), writer);
	auto result = rec.run();
	auto screen = term.stop();
	BOOST_TEST(result.exitStatus == 0);
	BOOST_TEST(err.text().find("warning: payload lowered from 2048 to") != std::string::npos,
		   err.text());
	std::size_t largest = 0;
	for (const auto &m : writer.messages()) {
		largest = std::max(largest, m.size());
		BOOST_TEST(m.size() <= kJournalMax);
	}
	BOOST_TEST(largest + 100 > kJournalMax, largest);
	auto recorded = joined(decode(writer.messages()), PacketType::Output);
	BOOST_TEST(recorded.size() == screen.size());
	BOOST_TEST((recorded == screen));
}

BOOST_AUTO_TEST_CASE(the_default_payload_fits_a_usual_envelope_unchanged)
{
	tlog::test::StderrCapture err;
	FakeTerminal term;
	BoundedWriter writer(kJournalMax);
	Recorder rec(onTerminal(term, {"sh", "-c", kMixedFlood}), testEnvelope(), writer);
	BOOST_TEST(rec.run().exitStatus == 0);
	term.stop();
	BOOST_TEST(err.text().empty(), err.text());
	for (const auto &m : writer.messages())
		BOOST_TEST(m.size() <= kJournalMax);
}

BOOST_AUTO_TEST_CASE(a_payload_no_message_can_hold_is_refused_before_the_program_runs)
{
	tlog::test::TempDir dir;
	FakeTerminal term;
	BoundedWriter writer(kJournalMax);
	auto options = onTerminal(term, {"touch", (dir / "ran").string()});
	options.payload = 4000;
	Recorder rec(options, testEnvelope(), writer);
	try {
		rec.run();
		BOOST_FAIL("payload 4000 was taken for messages of at most 4087 bytes");
	} catch (const tlog::base::ConfigError &e) {
		std::string what = e.what();
		BOOST_TEST(what.find("payload: 4000 is too large") == 0, what);
		BOOST_TEST(what.find("set payload to") != std::string::npos, what);
	}
	BOOST_TEST(!std::filesystem::exists(dir / "ran"));
	BOOST_TEST(writer.messages().empty());
	BOOST_TEST(term.restored());
}

BOOST_AUTO_TEST_CASE(an_envelope_that_leaves_no_room_is_refused_before_the_program_runs)
{
	tlog::test::TempDir dir;
	FakeTerminal term;
	BoundedWriter writer(kJournalMax);
	Recorder rec(onTerminal(term, {"touch", (dir / "ran").string()}), longTermEnvelope(4000),
		     writer);
	try {
		rec.run();
		BOOST_FAIL("a 4000-byte TERM was taken for messages of at most 4087 bytes");
	} catch (const std::runtime_error &e) {
		std::string what = e.what();
		BOOST_TEST(what.find("envelope is too long") != std::string::npos, what);
		BOOST_TEST(what.find("term 4000") != std::string::npos, what);
	}
	BOOST_TEST(!std::filesystem::exists(dir / "ran"));
	BOOST_TEST(term.restored());
}

BOOST_AUTO_TEST_CASE(a_writer_without_a_bound_keeps_the_payload)
{
	tlog::test::StderrCapture err;
	FakeTerminal term;
	MemWriter writer;
	Recorder rec(onTerminal(term, {"seq", "1", "3000"}), longTermEnvelope(3000), writer);
	BOOST_TEST(rec.run().exitStatus == 0);
	term.stop();
	BOOST_TEST(err.text().empty(), err.text());
	BOOST_TEST(writer.messages().front().size() > 2048u + 3000u);
}

BOOST_AUTO_TEST_SUITE_END()
