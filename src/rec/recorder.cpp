// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/recorder.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#include "tlog/base/clock.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/sink/writer.hpp"
#include "tlog/term/child.hpp"
#include "tlog/term/event_loop.hpp"
#include "tlog/term/raw_terminal.hpp"
#include "tlog/term/signal_set.hpp"
#include "tlog/term/window.hpp"

namespace tlog::rec {

namespace {

// Big enough that bulk output moves in few system calls.
constexpr std::size_t kBufferSize = 64 * 1024;
// How long the last output may wait for a terminal that takes none (a
// suspended ssh client) once a signal ends the recording.
constexpr auto kFinalWriteWait = std::chrono::seconds(3);
// How long the program has to end after tlog-rec passed it a signal.
constexpr auto kSignalGrace = std::chrono::seconds(2);
// Files that must still be openable when the program starts: its pty's
// two ends, a memfd for a large journal entry, a writer's new socket, the
// login record, with room to spare.
constexpr int kSpareFds = 8;

/// Inside a catch block for the writer's error: throws "cannot log the
/// recording" and @p detail, with that error nested as the cause.
[[noreturn]] void throwCannotLog(const std::string &detail = {})
{
	std::throw_with_nested(std::runtime_error("cannot log the recording" + detail));
}

/// Restores an fd's status flags (O_NONBLOCK) on destruction. The flags
/// belong to the open file description, which the user's shell shares:
/// leaving the terminal non-blocking would break it.
class FlagsGuard {
public:
	explicit FlagsGuard(int fd) : fd_(fd), saved_(::fcntl(fd, F_GETFL))
	{
		if (saved_ < 0)
			base::throwErrno("fcntl(F_GETFL)");
		base::setNonBlocking(fd, true);
	}
	FlagsGuard(const FlagsGuard &) = delete;
	FlagsGuard &operator=(const FlagsGuard &) = delete;
	~FlagsGuard() { ::fcntl(fd_, F_SETFL, saved_); }

private:
	int fd_;
	int saved_;
};

// The payload to encode with: @p payload, fitted to a writer that passes
// messages of at most @p maxMessage bytes on whole (0: of any size). Said
// before the program starts, never found out by those who read the
// journal (journalctl -o json shows a longer MESSAGE as null).
std::size_t fitPayload(std::size_t payload, const codec::Envelope &envelope, std::size_t maxMessage)
{
	if (maxMessage == 0)
		return payload;
	auto roomBeside = [maxMessage](std::size_t overhead) {
		return maxMessage > overhead ? maxMessage - overhead : 0;
	};
	// What no host, user or term makes smaller: a payload beyond it is
	// the configuration's mistake, whoever records.
	codec::Envelope bare = envelope;
	bare.host.clear();
	bare.user.clear();
	bare.term.clear();
	std::size_t most = roomBeside(codec::messageOverhead(bare));
	std::string limit = "the writer passes messages of at most " + std::to_string(maxMessage) +
			    " bytes on whole (journalctl -o json, as Cockpit's player reads the "
			    "journal, shows a longer MESSAGE as null)";
	if (payload > most)
		throw base::ConfigError(
		    "payload: " + std::to_string(payload) + " is too large: " + limit +
		    ", and the envelope takes at least " + std::to_string(maxMessage - most) +
		    " of them: set payload to " + std::to_string(most) + " or less");
	std::size_t room = roomBeside(codec::messageOverhead(envelope));
	if (payload <= room)
		return payload;
	std::string fields = "host " + std::to_string(envelope.host.size()) + " bytes, user " +
			     std::to_string(envelope.user.size()) + ", term " +
			     std::to_string(envelope.term.size());
	if (room < codec::kMinPayload)
		throw std::runtime_error("this recording's envelope is too long (" + fields +
					 "): " + limit + ", and it leaves less than " +
					 std::to_string(codec::kMinPayload) + " bytes of payload");
	base::logLine("warning: payload lowered from " + std::to_string(payload) + " to " +
		      std::to_string(room) + " bytes for this recording's long envelope (" +
		      fields + "): " + limit);
	return room;
}

base::UniqueFd duplicate(int fd)
{
	base::UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
	if (!copy)
		base::throwErrno("dup");
	return copy;
}

/// One direction of copying: bytes read from `from` are recorded (when
/// `record`) and written to `to`. While `to` cannot take them, they wait
/// in the buffer and `from` is not read: back-pressure instead of
/// unbounded memory or blocking.
struct Relay {
	Relay(term::EventLoop &loop, const char *relayName, codec::PacketType packetType,
	      term::FdWatch::Handler onReadable, term::FdWatch::Handler onWritable)
	    : name(relayName), type(packetType), reading(loop, std::move(onReadable)),
	      writing(loop, std::move(onWritable))
	{
	}
	const char *name;
	int from = -1;
	int to = -1;
	codec::PacketType type;
	term::FdWatch reading; // on `from`, paused while `to` takes no more
	term::FdWatch writing; // on `to`, while bytes wait
	bool record = false;
	std::unique_ptr<char[]> buf = std::make_unique<char[]>(kBufferSize);
	std::size_t begin = 0, end = 0; // pending bytes
	bool sourceOpen = true;
	bool sinkGone = false; // EPIPE: the reader went away, discard
	// The start of a character cut by the end of a read, recorded with
	// the rest once it comes; only where two relays record into one
	// stream (stdout and stderr on pipes), whose bytes must not be
	// taken for each other's.
	std::string held{};
};

class Session {
public:
	Session(const RecorderOptions &options, const codec::Envelope &envelope,
		sink::Writer &writer);
	~Session();
	RecordResult run();

private:
	/// Hands the encoder's finished messages to the writer. @p flushPoint:
	/// the latency or a window change ended them, a signature is due;
	/// @p end: the last of them ends the recording.
	void deliver(bool flushPoint = false, bool end = false);
	/// Ends the encoder's last message and delivers it marked as the end.
	void deliverEnd();
	/// After the writer failed on message @p failed: the messages after
	/// it, which are lost with the recording, for the error (or "").
	std::string lostAfter(std::uint64_t failed) noexcept;
	void onSignal();
	void onChildExit(int status);
	void onWindowChange();
	void onHangup();
	/// writer_.retry(); a failure ends the recording, said as such.
	void retryWriter();
	void onReadable(Relay &relay, short revents);
	void onWritable(Relay &relay);
	/// Reads what is there into relay.buf (begin to end): what was read,
	/// empty when nothing was there yet; nullopt at the source's EOF.
	std::optional<std::string_view> readInto(Relay &relay);
	/// Records @p data, which @p relay read.
	void record(Relay &relay, std::string_view data);
	/// Records a character @p relay still holds cut short: its source
	/// ended (or the recording does).
	void recordHeld(Relay &relay);
	/// Writes pending bytes without waiting; true when all are out.
	bool writePending(Relay &relay);
	void closeSource(Relay &relay);
	void drain(Relay &relay);
	/// Writes what @p relay holds to its terminal, the recording saved
	/// first when that has to wait: as long as it takes after the
	/// program's exit, kFinalWriteWait at most after a signal (a second
	/// one ends the wait).
	void flushToTerminal(Relay &relay);
	/// Hands the writer everything recorded so far.
	void saveRecording();
	/// writer_.flush(); a failure ends the recording, said as such.
	void flushWriter();
	void finish();

	const RecorderOptions &options_;
	const codec::Envelope &envelope_;
	sink::Writer &writer_;
	std::size_t payload_; // options_.payload fitted to the writer
	term::SignalSet signals_;
	// A closed stdout or child stdin is an EPIPE to handle, and a file
	// past RLIMIT_FSIZE an EFBIG: neither a reason to die before the log
	// is flushed.
	term::IgnoredSignals ignored_{SIGPIPE, SIGXFSZ};
	base::UniqueFd in_, out_, err_;
	std::optional<term::RawTerminal> raw_; // the user's terminal, when input is one
	int termFd_ = -1;		       // the user's terminal, for window sizes
	bool leadsTerminal_ = false;	       // we lead the session termFd_ controls
	std::optional<term::WindowSize> window_;
	term::Child child_;
	bool reaped_ = false;
	std::optional<FlagsGuard> inFlags_, outFlags_, errFlags_;
	std::optional<codec::ChunkEncoder> encoder_;
	std::optional<codec::ChainSigner> signer_;
	base::Timestamp lastSigned_{};
	// deliver()'s batch for the writer, reused.
	std::vector<std::string> signatures_;
	std::vector<sink::Outgoing> outgoing_;
	bool endDelivered_ = false;
	term::EventLoop loop_;
	term::FdWatch signalWatch_{loop_, [this](short) { onSignal(); }};
	Relay input_{loop_, "input", codec::PacketType::Input,
		     [this](short ev) { onReadable(input_, ev); },
		     [this](short) { onWritable(input_); }};
	Relay output_{loop_, "output", codec::PacketType::Output,
		      [this](short ev) { onReadable(output_, ev); },
		      [this](short) { onWritable(output_); }};
	Relay error_{loop_, "error", codec::PacketType::Output,
		     [this](short ev) { onReadable(error_, ev); },
		     [this](short) { onWritable(error_); }};
	RecordResult result_;
	bool writerFailed_ = false; // the error said what is lost
	// After a signal: the program's time to end.
	term::Timer signalGrace_{loop_, [this] { finish(); }};
	// The oldest data recorded waits no longer than the latency.
	term::Timer latencyFlush_{
	    loop_,
	    [this]() -> std::optional<base::Timestamp> {
		    auto first = encoder_->firstRecordTime();
		    if (!first)
			    return std::nullopt;
		    return *first + std::chrono::duration_cast<base::Timestamp>(options_.latency);
	    },
	    [this] {
		    encoder_->flush();
		    deliver(true);
	    }};
	// A writer whose service is away (journald restarting) holds messages
	// and says when to try again.
	term::Timer writerRetry_{loop_, [this] { return writer_.retryDeadline(); },
				 [this] { retryWriter(); }};
};

Session::Session(const RecorderOptions &options, const codec::Envelope &envelope,
		 sink::Writer &writer)
    : options_(options), envelope_(envelope), writer_(writer),
      payload_(fitPayload(options.payload, envelope, writer.maxMessageSize())),
      // Blocked before the child exists, so its exit cannot be missed.
      // The ones that would end us unannounced end the recording instead,
      // saved (a terminal's ^\ too: the user may set isig on it).
      signals_(
	  {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU})
{
	// Own copies: distinct fd numbers for the loop even when the caller
	// passes one terminal fd for both directions.
	in_ = duplicate(options.inFd);
	out_ = duplicate(options.outFd);
	err_ = duplicate(options.errFd);
	bool inTty = ::isatty(in_.get()) != 0;
	bool outTty = ::isatty(out_.get()) != 0;
	bool onPty = inTty || outTty;
	termFd_ = inTty ? in_.get() : outTty ? out_.get() : -1;
	if (termFd_ >= 0) {
		window_ = term::getWindowSize(termFd_);
		leadsTerminal_ = ::tcgetsid(termFd_) == ::getpid();
	}

	auto argv = resolveCommand(options.command);
	// Files the recording may still open once the program runs (its
	// pty, a journal entry too big for a datagram, a writer
	// reconnecting): a limit that leaves none would let the program run
	// while its output cannot be logged. Found out now, before it starts.
	base::requireSpareFds(kSpareFds, "recording");
	if (onPty) {
		if (inTty) {
			raw_.emplace(in_.get());
		}
		child_ =
		    term::spawnOnPty(argv, raw_ ? &raw_->saved() : nullptr, window_, options.exec0);
	} else {
		child_ = term::spawnOnPipes(argv, options.exec0);
	}
	if (options.afterSpawn) {
		// The destructor does not run for a half-made object: end the
		// program here, as ~Session() would. Once the hook changed our
		// ids, kill() may be refused; closing the master as we unwind
		// still hangs the program up (the kernel's SIGHUP).
		try {
			options.afterSpawn(child_.error ? -1 : child_.input.get());
		} catch (...) {
			::kill(child_.pid, SIGHUP);
			int status;
			::waitpid(child_.pid, &status, WNOHANG);
			throw;
		}
	}

	auto start = base::monotonicNow();
	encoder_.emplace(envelope_, payload_, start, base::realtimeNow());
	if (options.signingKey) {
		signer_.emplace(*options.signingKey, envelope_.rec);
		lastSigned_ = start;
	}
	if (onPty && options.logWindow && window_)
		encoder_->writeWindow(start, window_->cols, window_->rows);

	base::setNonBlocking(child_.input.get(), true);
	base::setNonBlocking(child_.output.get(), true);
	inFlags_.emplace(in_.get());
	outFlags_.emplace(out_.get());

	input_.from = in_.get();
	input_.to = child_.input.get();
	input_.record = options.logInput;
	output_.from = child_.output.get();
	output_.to = out_.get();
	output_.record = options.logOutput;
	if (child_.error) {
		base::setNonBlocking(child_.error.get(), true);
		errFlags_.emplace(err_.get());
		error_.from = child_.error.get();
		error_.to = err_.get();
		error_.record = options.logOutput;
	} else {
		error_.sourceOpen = false;
	}
}

Session::~Session()
{
	// Cut short (a writer failed): do not leave the program running
	// detached from its user.
	if (!reaped_ && child_.pid > 0) {
		::kill(child_.pid, SIGHUP);
		int status;
		::waitpid(child_.pid, &status, WNOHANG);
	}
}

std::string Session::lostAfter(std::uint64_t failed) noexcept
{
	// The rest of this batch and what the encoder still holds never reach
	// the writer: the writer's error cannot name them, so say it here.
	try {
		encoder_->finish();
		encoder_->takeMessages();
		auto last = encoder_->nextId() - 1;
		if (last <= failed)
			return {};
		auto first = failed + 1;
		return first == last
			   ? " (message " + std::to_string(first) +
				 ", not yet handed to the writer, is lost too)"
			   : " (messages " + std::to_string(first) + "-" + std::to_string(last) +
				 ", not yet handed to the writer, are lost too)";
	} catch (...) {
		return {};
	}
}

void Session::deliver(bool flushPoint, bool end)
{
	if (!encoder_->hasMessages())
		return;
	auto messages = encoder_->takeMessages();
	bool due = flushPoint || end;
	if (signer_ && !due) {
		auto now = base::monotonicNow();
		due = now - lastSigned_ >= options_.signInterval;
	}
	signatures_.resize(messages.size());
	outgoing_.clear();
	for (std::size_t i = 0; i < messages.size(); i++) {
		auto &m = messages[i];
		bool last = i + 1 == messages.size();
		signatures_[i].clear();
		// The first message is signed too: a signed recording says so
		// from its start, and one cut short is told from one never signed.
		if (signer_) {
			signatures_[i] =
			    signer_->add(m.id, m.text, (due && last) || m.id == 1, end && last);
			if (!signatures_[i].empty())
				lastSigned_ = base::monotonicNow();
		}
		outgoing_.push_back(
		    sink::Outgoing{m.text, sink::MessageFields{envelope_.host, envelope_.rec,
							       envelope_.user, envelope_.session,
							       m.id, signatures_[i], end && last}});
	}
	// All that one read gave, in one go: a file writer writes them with
	// one write(2), at once, as it wrote each before.
	std::size_t delivered = 0;
	try {
		writer_.writeBatch(outgoing_, delivered);
	} catch (...) {
		writerFailed_ = true;
		throwCannotLog(lostAfter(messages[std::min(delivered, messages.size() - 1)].id));
	}
}

std::optional<std::string_view> Session::readInto(Relay &relay)
{
	auto n = base::readSome(relay.from, relay.buf.get(), kBufferSize);
	if (n < 0)
		return std::string_view(); // EAGAIN
	if (n == 0)
		return std::nullopt;
	relay.begin = 0;
	relay.end = static_cast<std::size_t>(n);
	return std::string_view(relay.buf.get(), relay.end);
}

void Session::record(Relay &relay, std::string_view data)
{
	if (!relay.record || data.empty())
		return;
	auto now = base::monotonicNow();
	if (!child_.error) {
		// One relay a stream: the encoder completes cut characters.
		encoder_->writeIo(now, relay.type, data);
		deliver();
		return;
	}
	// A read rarely ends inside a character: the copy is rare too.
	std::string joined;
	if (!relay.held.empty()) {
		joined = std::move(relay.held);
		joined.append(data);
		data = joined;
	}
	std::size_t cut = base::utf8::incompleteTail(data);
	if (cut < data.size())
		encoder_->writeIo(now, relay.type, data.substr(0, data.size() - cut));
	relay.held.assign(data.substr(data.size() - cut));
	deliver();
}

void Session::recordHeld(Relay &relay)
{
	if (relay.held.empty())
		return;
	encoder_->writeIo(base::monotonicNow(), relay.type, relay.held);
	relay.held.clear();
	deliver();
}

bool Session::writePending(Relay &relay)
{
	while (relay.begin < relay.end) {
		if (relay.sinkGone) {
			relay.begin = relay.end;
			break;
		}
		ssize_t n =
		    ::write(relay.to, relay.buf.get() + relay.begin, relay.end - relay.begin);
		if (n >= 0) {
			relay.begin += static_cast<std::size_t>(n);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return false;
		// The reader is gone (stdout closed, the program closed its
		// stdin, the pty hung up): keep recording, stop copying.
		if (errno == EPIPE || errno == EIO) {
			relay.sinkGone = true;
			continue;
		}
		base::throwErrno(std::string("writing ") + relay.name);
	}
	relay.begin = relay.end = 0;
	return true;
}

void Session::closeSource(Relay &relay)
{
	relay.reading.unwatch();
	relay.sourceOpen = false;
	recordHeld(relay);
	if (&relay != &input_ || reaped_)
		return;
	if (raw_) {
		onHangup();
		return;
	}
	// The user's input ended: pass the end on to the program.
	if (child_.error) {
		input_.writing.unwatch(); // child_.input is input_.to
		child_.input.reset();
	} else if (raw_ || child_.input) {
		// On a pty an EOF is the terminal's EOF character.
		termios attrs{};
		char eof = 4;
		if (::tcgetattr(child_.input.get(), &attrs) == 0 && attrs.c_cc[VEOF] != 0)
			eof = static_cast<char>(attrs.c_cc[VEOF]);
		relay.buf[0] = eof;
		relay.begin = 0;
		relay.end = 1;
		if (!writePending(relay))
			relay.writing.watch(relay.to, POLLOUT);
	}
}

void Session::onReadable(Relay &relay, short revents)
{
	if ((revents & POLLNVAL) != 0) {
		closeSource(relay);
		return;
	}
	auto data = readInto(relay);
	if (!data) {
		closeSource(relay);
		return;
	}
	// The terminal first: between a key and its echo there is only the
	// relay. The bytes stay in relay.buf until all were written (no read
	// comes before), so they are recorded from there right after, also
	// when writing them failed.
	bool written = false;
	try {
		written = writePending(relay);
	} catch (...) {
		record(relay, *data);
		throw;
	}
	record(relay, *data);
	if (!written) {
		// Stop reading until the other side takes what we have.
		relay.reading.setEvents(0);
		relay.writing.watch(relay.to, POLLOUT);
	}
}

void Session::onWritable(Relay &relay)
{
	if (!writePending(relay))
		return;
	relay.writing.unwatch();
	if (relay.sourceOpen)
		relay.reading.setEvents(POLLIN);
}

void Session::flushToTerminal(Relay &relay)
{
	if (writePending(relay))
		return;
	saveRecording();
	auto give = [&](base::Timestamp wait) {
		return std::optional<base::Timestamp>(base::monotonicNow() + wait);
	};
	std::optional<base::Timestamp> deadline;
	if (result_.signal)
		deadline = give(kFinalWriteWait);
	while (!writePending(relay)) {
		int timeout = -1;
		if (deadline) {
			auto left = *deadline - base::monotonicNow();
			timeout = static_cast<int>(std::max<std::int64_t>(
			    0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count() +
				   1));
		}
		pollfd fds[2] = {{relay.to, POLLOUT, 0}, {signals_.fd(), POLLIN, 0}};
		int r = ::poll(fds, 2, timeout);
		if (r < 0 && errno != EINTR)
			base::throwErrno(std::string("waiting to write ") + relay.name);
		if (r == 0) {
			base::logLine("the terminal took no output for " +
				      std::to_string(kFinalWriteWait.count()) +
				      " s: its last output is in the recording only");
			relay.sinkGone = true;
			relay.begin = relay.end = 0;
			return;
		}
		if (r > 0 && (fds[1].revents & POLLIN) != 0)
			while (auto sig = signals_.read()) {
				if (*sig == SIGCHLD || *sig == SIGWINCH)
					continue;
				if (!result_.signal) {
					result_.signal = *sig;
					if (!reaped_)
						::kill(child_.pid, *sig);
				}
				deadline = give(base::Timestamp::zero());
			}
	}
}

void Session::saveRecording()
{
	encoder_->flush();
	deliver(true);
	flushWriter();
}

void Session::flushWriter()
{
	try {
		writer_.flush();
	} catch (...) {
		writerFailed_ = true;
		throwCannotLog();
	}
}

void Session::drain(Relay &relay)
{
	flushToTerminal(relay);
	// After the exit, EOF (EIO on a pty) comes once the kernel handed us
	// everything; EAGAIN means someone else (a background job) still
	// holds the other end, and we do not wait for it.
	while (relay.sourceOpen) {
		auto data = readInto(relay);
		if (!data) {
			relay.sourceOpen = false;
			break;
		}
		if (data->empty())
			break;
		record(relay, *data);
		flushToTerminal(relay);
	}
	recordHeld(relay);
}

void Session::deliverEnd()
{
	if (endDelivered_)
		return;
	endDelivered_ = true;
	encoder_->finishWithMessage(base::monotonicNow());
	deliver(true, true);
}

void Session::finish()
{
	drain(output_);
	if (error_.from >= 0)
		drain(error_);
	deliverEnd();
	flushWriter();
	loop_.stop();
}

void Session::onChildExit(int status)
{
	reaped_ = true;
	result_.exitStatus = term::shellStatus(status);
	finish();
}

void Session::retryWriter()
{
	try {
		writer_.retry();
	} catch (...) {
		throwCannotLog();
	}
}

void Session::onHangup()
{
	// A terminal in raw mode reads EOF (or EIO) only once it hung up
	// (the ssh connection dropped, the terminal closed): the program is
	// hung up too, as it would be without us. kill() is refused once
	// tlog-rec-session runs as its own user; closing the master (when
	// the Session goes) hangs the program up all the same.
	::kill(child_.pid, SIGHUP);
	result_.exitStatus = 128 + SIGHUP;
	// Leading the terminal's session, we are sent SIGHUP by the hang-up
	// too, but the kernel sends it after reads fail, and how long after
	// depends on the line discipline: end as that signal says either way
	// (a login shell dies of it), not as the race went.
	if (leadsTerminal_)
		result_.signal = SIGHUP;
	finish();
}

void Session::onWindowChange()
{
	if (termFd_ < 0 || child_.error)
		return;
	auto size = term::getWindowSize(termFd_);
	if (!size || size == window_)
		return;
	window_ = size;
	term::setWindowSize(child_.input.get(), *size);
	if (options_.logWindow) {
		encoder_->writeWindow(base::monotonicNow(), size->cols, size->rows);
		deliver();
	}
}

void Session::onSignal()
{
	while (auto sig = signals_.read()) {
		switch (*sig) {
		case SIGCHLD: {
			int status = 0;
			pid_t r;
			do
				r = ::waitpid(child_.pid, &status, WNOHANG);
			while (r < 0 && errno == EINTR);
			if (r == child_.pid) {
				onChildExit(status);
				return;
			}
			break;
		}
		case SIGWINCH:
			onWindowChange();
			break;
		default:
			// Pass it on, and let the caller die of the same signal
			// once the terminal is restored. The program may say
			// something as it ends (ping's statistics): that is
			// recorded while it gets kSignalGrace to end; a second
			// signal does not wait.
			if (result_.signal) {
				finish();
				return;
			}
			result_.signal = *sig;
			::kill(child_.pid, *sig);
			signalGrace_.schedule(base::monotonicNow() + kSignalGrace);
			break;
		}
	}
}

RecordResult Session::run()
{
	signalWatch_.watch(signals_.fd(), POLLIN);
	input_.reading.watch(input_.from, POLLIN);
	output_.reading.watch(output_.from, POLLIN);
	if (error_.sourceOpen)
		error_.reading.watch(error_.from, POLLIN);
	// A child that is already gone before the loop starts still sends
	// SIGCHLD, which is blocked and therefore pending on the signalfd.
	try {
		loop_.run();
	} catch (...) {
		// Not the writer's failure (a full disk under stdout, say): what
		// was recorded up to it is still logged, and the first error is
		// the one reported.
		if (!writerFailed_) {
			try {
				deliverEnd();
				writer_.flush();
			} catch (const std::exception &e) {
				base::logLine("cannot log the end of the recording either: " +
					      base::describe(e));
			}
		}
		throw;
	}
	return result_;
}

} // namespace

std::vector<std::string> resolveCommand(const std::vector<std::string> &command)
{
	if (!command.empty())
		return command;
	const char *shell = std::getenv("SHELL");
	return {shell != nullptr && *shell != '\0' ? shell : "/bin/sh"};
}

Recorder::Recorder(RecorderOptions options, codec::Envelope envelope, sink::Writer &writer)
    : options_(std::move(options)), envelope_(std::move(envelope)), writer_(writer)
{
}

RecordResult Recorder::run()
{
	Session session(options_, envelope_, writer_);
	return session.run();
}

} // namespace tlog::rec
