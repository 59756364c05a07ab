// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/player.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/term/signal_set.hpp"
#include "tlog/term/termios_guard.hpp"

namespace tlog::play {

namespace {

// Packets written per loop iteration while fast-forwarding, so keys and
// signals are still seen during a long catch-up.
constexpr int kBurst = 512;
// '.' presses remembered while no packet is there yet.
constexpr int kMaxSteps = 16;
// Digits typed before 'G'.
constexpr std::size_t kMaxTyped = 32;

// Ignores the keyboard signals for --persist and puts the old actions back.
class IgnoredSignals
{
public:
	IgnoredSignals(std::initializer_list<int> signals)
	{
		struct sigaction ign {};
		ign.sa_handler = SIG_IGN;
		for (int sig : signals) {
			saved_[count_].first = sig;
			::sigaction(sig, &ign, &saved_[count_].second);
			count_++;
		}
	}
	IgnoredSignals(const IgnoredSignals &) = delete;
	IgnoredSignals &operator=(const IgnoredSignals &) = delete;
	~IgnoredSignals()
	{
		for (std::size_t i = 0; i < count_; i++)
			::sigaction(saved_[i].first, &saved_[i].second, nullptr);
	}

private:
	std::array<std::pair<int, struct sigaction>, 4> saved_{};
	std::size_t count_ = 0;
};

// Makes logLine() end lines in "\r\n" while the terminal is raw.
class RawLogging
{
public:
	explicit RawLogging(bool on) noexcept : on_(on) { base::setRawTerminal(on_); }
	RawLogging(const RawLogging &) = delete;
	RawLogging &operator=(const RawLogging &) = delete;
	~RawLogging()
	{
		if (on_)
			base::setRawTerminal(false);
	}

private:
	bool on_;
};

std::string sizeText(term::WindowSize size)
{
	return std::to_string(size.cols) + "x" + std::to_string(size.rows);
}

} // namespace

Player::Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd)
	: reader_(reader), options_(std::move(options)), outFd_(outFd), keyFd_(keyFd),
	  decoder_(options_.lax, options_.fromMiddle ? 0 : 1),
	  clock_(options_.speed, options_.paused), idle_(options_.idleLimit)
{
	outIsTty_ = ::isatty(outFd_) == 1;
	if (options_.goTo.end)
		ffEnd_ = true;
	else if (options_.goTo.time > base::Timestamp::zero())
		ffTarget_ = options_.goTo.time;
}

Player::~Player() = default;

PlayResult Player::run()
{
	std::unique_ptr<term::SignalSet> signals;
	std::unique_ptr<IgnoredSignals> ignored;
	if (options_.handleSignals) {
		if (options_.persist) {
			ignored = std::make_unique<IgnoredSignals>(
				std::initializer_list<int>{SIGINT, SIGQUIT, SIGTSTP});
			signals = std::make_unique<term::SignalSet>(
				std::initializer_list<int>{SIGTERM, SIGHUP});
		} else {
			signals = std::make_unique<term::SignalSet>(
				std::initializer_list<int>{SIGINT, SIGTERM, SIGHUP});
		}
		loop_.watch(signals->fd(), POLLIN, [this, &signals](short) {
			if (auto sig = signals->read()) {
				signal_ = *sig;
				loop_.stop();
			}
		});
	}

	std::optional<term::TermiosGuard> raw;
	if (keyFd_ >= 0) {
		raw.emplace(keyFd_);
		loop_.watch(keyFd_, POLLIN, [this](short) { onKeyFdReadable(); });
	}
	RawLogging rawLogging(raw.has_value() && ::isatty(STDERR_FILENO) == 1);

	loop_.addTimer([this]() { return nextDeadline(); }, [this]() { pump(); });
	pump();
	if (!done_)
		loop_.run();
	flushOutput();
	if (signal_ == 0)
		finish();
	return PlayResult{signal_};
}

void Player::finish()
{
	// Resumed at a cursor, finding nothing new is not an error.
	if (!options_.match.empty() && !rec_ && !options_.fromMiddle) {
		std::string text = reader_.name() + ": no recording " + options_.match;
		if (!others_.empty()) {
			text += " (found:";
			for (auto &rec : others_)
				text += " " + rec;
			text += ")";
		}
		throw std::runtime_error(text);
	}
	if (!others_.empty()) {
		std::string text = "also in " + reader_.name() + ":";
		for (std::size_t i = 0; i < others_.size(); i++)
			text += (i == 0 ? " " : ", ") + others_[i];
		base::logLine(text + (options_.match.empty() ? " (choose with -m)" : ""));
	}
}

void Player::setDry(bool dry)
{
	dry_ = dry;
	int fd = reader_.waitFd();
	if (fd != watchedFd_) {
		if (watchedFd_ >= 0)
			loop_.unwatch(watchedFd_);
		watchedFd_ = fd;
		if (fd >= 0)
			loop_.watch(fd, 0, [this](short) {
				reader_.onWaitFdReady();
				setDry(false);
			});
	}
	// Watched only while waiting, or a readable pipe would spin the loop.
	if (watchedFd_ >= 0)
		loop_.setEvents(watchedFd_, dry_ ? POLLIN : 0);
	// A source with nothing to wait on (a remote search) is asked again
	// after the pause it names.
	retryAt_.reset();
	if (dry_ && fd < 0 && !reader_.finished())
		if (auto delay = reader_.retryDelay())
			retryAt_ = base::monotonicNow() + *delay;
}

bool Player::readOne()
{
	auto raw = reader_.read();
	if (!raw) {
		setDry(true);
		return false;
	}
	auto message = codec::parseMessage(raw->text, raw->location);
	const std::string &rec = message.envelope.rec;
	if (!rec_ && (options_.match.empty() || rec == options_.match))
		rec_ = rec;
	if (!rec_ || rec != *rec_) {
		if (std::find(others_.begin(), others_.end(), rec) == others_.end())
			others_.push_back(rec);
		return true;
	}

	std::vector<codec::Packet> packets;
	if (auto gap = decoder_.decode(message, raw->location, packets)) {
		if (gap->firstMissing == gap->lastMissing)
			base::logLine(raw->location + ": message " + std::to_string(gap->firstMissing) +
				      " missing");
		else
			base::logLine(raw->location + ": messages " +
				      std::to_string(gap->firstMissing) + "-" +
				      std::to_string(gap->lastMissing) + " missing");
	}
	auto now = base::monotonicNow();
	if (!started_) {
		// The clock starts at the first message (pos 0 for a whole
		// recording), or at the fast-forward target.
		base::Timestamp start = idle_.map(std::chrono::milliseconds(message.pos));
		if (ffTarget_ && *ffTarget_ > start)
			start = *ffTarget_;
		clock_.seek(now, start);
		started_ = true;
	}
	for (auto &packet : packets) {
		packet.ts = idle_.map(packet.ts);
		lastTs_ = packet.ts;
		if (packet.type != codec::PacketType::Input)
			queue_.push_back(std::move(packet));
	}
	lastPos_ = message.pos;
	lastTime_ = message.time;
	return true;
}

std::optional<base::Timestamp> Player::nextDeadline() const
{
	// "Due now" is a time in the past: the loop compares deadlines with
	// the time it took before asking.
	constexpr base::Timestamp kNow = base::Timestamp::zero();
	if (done_)
		return std::nullopt;
	if (queue_.empty())
		return dry_ ? retryAt_ : std::optional(kNow);
	auto ts = queue_.front().ts;
	if (ffEnd_ || steps_ > 0 || (ffTarget_ && ts <= *ffTarget_))
		return kNow;
	return clock_.dueAt(ts);
}

void Player::pump()
{
	try {
		auto now = base::monotonicNow();
		if (dry_ && retryAt_ && now >= *retryAt_)
			setDry(false);
		for (int budget = kBurst; budget > 0 && !done_;) {
			if (queue_.empty()) {
				if (dry_ || !readOne())
					break;
				continue;
			}
			const auto &packet = queue_.front();
			bool ff = ffEnd_ || (ffTarget_ && packet.ts <= *ffTarget_);
			bool step = !ff && steps_ > 0;
			if (!ff && !step) {
				auto due = clock_.dueAt(packet.ts);
				if (!due || *due > now)
					break;
			}
			if (step && packet.type == codec::PacketType::Output) {
				steps_--;
				if (packet.ts > clock_.position(now))
					clock_.seek(now, packet.ts);
			}
			emit(packet);
			queue_.pop_front();
			budget--;
		}
		if (ffEnd_ && queue_.empty() && dry_)
			finishCatchUp(now);
		// Following, with everything logged so far played: move the clock
		// to the recording's live edge, so what is logged next plays at
		// once instead of lagging by the time playback started late.
		if (options_.follow && !ffEnd_ && queue_.empty() && dry_ && !clock_.paused())
			if (auto live = liveEdge(); live && *live > clock_.position(now))
				clock_.seek(now, *live);
		flushOutput();
	} catch (...) {
		// Output that came before the failure still goes out.
		try {
			flushOutput();
		} catch (...) {
		}
		throw;
	}
	// The end: nothing queued and nothing more will come. A reader that
	// is not finished but offers nothing to wait on would hang: it ends too.
	if (queue_.empty() && dry_ &&
	    (reader_.finished() || (reader_.waitFd() < 0 && !retryAt_))) {
		done_ = true;
		loop_.stop();
	}
}

void Player::finishCatchUp(base::Timestamp now)
{
	ffEnd_ = false;
	// Everything there was is written; from here on play in step with the
	// recording. When following a live recording, its "time" field tells
	// how far it has got since its last message.
	auto position = std::max(lastTs_, clock_.position(now));
	if (options_.follow)
		if (auto live = liveEdge())
			position = std::max(position, *live);
	clock_.seek(now, position);
	ffTarget_ = position;
}

std::optional<base::Timestamp> Player::liveEdge() const
{
	if (!lastTime_)
		return std::nullopt;
	auto since = base::realtimeNow() - std::chrono::duration_cast<base::Timestamp>(
						   std::chrono::duration<double>(*lastTime_));
	return base::Timestamp(std::chrono::milliseconds(lastPos_)) + since;
}

void Player::emit(const codec::Packet &packet)
{
	if (packet.type == codec::PacketType::Output) {
		pending_ += packet.data;
		return;
	}
	if (packet.type != codec::PacketType::Window || !outIsTty_)
		return;
	term::WindowSize recorded{packet.cols, packet.rows};
	auto terminal = term::getWindowSize(outFd_);
	if (!terminal || recorded.cols == 0 || recorded.rows == 0)
		return;
	if (recorded == *terminal) {
		reportedRecorded_.reset();
		return;
	}
	if (reportedRecorded_ == recorded)
		return;
	reportedRecorded_ = recorded;
	flushOutput();
	base::logLine("recorded at " + sizeText(recorded) + ", this terminal is " +
		      sizeText(*terminal));
}

void Player::flushOutput()
{
	if (pending_.empty())
		return;
	std::string data;
	data.swap(pending_);
	base::writeAll(outFd_, data);
}

void Player::jump(PlayPosition target)
{
	auto now = base::monotonicNow();
	if (target.end) {
		ffEnd_ = true;
		return;
	}
	// Forward only: a place already passed is left alone.
	if (!started_) {
		if (!ffTarget_ || target.time > *ffTarget_)
			ffTarget_ = target.time;
		return;
	}
	if (target.time <= clock_.position(now))
		return;
	ffTarget_ = target.time;
	clock_.seek(now, target.time);
}

void Player::onKeys(std::string_view keys)
{
	auto now = base::monotonicNow();
	for (char c : keys) {
		if (c == '\x1b')
			// A reply from the terminal to something the recording
			// sent (cursor position, device attributes): not keys.
			break;
		bool typing = (c >= '0' && c <= '9') || c == ':' || (c == '.' && !typed_.empty());
		if (typing) {
			if (typed_.size() < kMaxTyped)
				typed_ += c;
			continue;
		}
		std::string typed;
		typed.swap(typed_);
		switch (c) {
		case ' ':
		case 'p':
			clock_.setPaused(now, !clock_.paused());
			break;
		case '}':
			if (clock_.speed() * 2 <= kMaxKeySpeed)
				clock_.setSpeed(now, clock_.speed() * 2);
			break;
		case '{':
			if (clock_.speed() / 2 >= kMinKeySpeed)
				clock_.setSpeed(now, clock_.speed() / 2);
			break;
		case '\x7f':
		case '\b':
			clock_.setSpeed(now, 1.0);
			break;
		case '.':
			steps_ = std::min(steps_ + 1, kMaxSteps);
			break;
		case 'G':
			if (typed.empty()) {
				jump(PlayPosition{true, {}});
			} else {
				try {
					jump(parsePosition(typed));
				} catch (const base::UsageError &) {
					// A mistyped time does nothing, as a key should.
				}
			}
			break;
		case 'q':
			if (!options_.persist) {
				done_ = true;
				loop_.stop();
			}
			break;
		default:
			break;
		}
	}
}

void Player::onKeyFdReadable()
{
	char buf[256];
	auto n = base::readSome(keyFd_, buf, sizeof(buf));
	if (n == 0) {
		// The terminal hung up: play on without keys.
		loop_.unwatch(keyFd_);
		return;
	}
	if (n > 0)
		onKeys(std::string_view(buf, static_cast<std::size_t>(n)));
}

} // namespace tlog::play
