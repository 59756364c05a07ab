// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/player.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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
// Output gathered for one write: more is written at once, so a burst of
// large packets (a flood played fast) does not gather tens of megabytes.
constexpr std::size_t kFlushBytes = 64 * 1024;
// '.' presses remembered while no packet is there yet.
constexpr int kMaxSteps = 16;
// Digits typed before 'G'.
constexpr std::size_t kMaxTyped = 32;
// A search pattern typed after '/'.
constexpr std::size_t kMaxPattern = 256;
// Snapshots kept; past this every other one goes and the interval doubles,
// so an hour or a week of recording costs the same memory.
constexpr std::size_t kMaxSnapshots = 1024;
// Nor more than this many bytes of them (a huge screen paints big).
constexpr std::size_t kMaxSnapshotBytes = 32 << 20;
// How long an ESC that ended a read waits for the rest of a sequence the
// terminal's write was cut into before it counts as the Escape key.
constexpr auto kEscapeWait = std::chrono::milliseconds(200);
// Lines that scrolled off the screen kept for --export=text.
constexpr std::size_t kExportScrollback = 100000;
// The screen's size until the recording gives its own.
constexpr unsigned kDefaultCols = 80, kDefaultRows = 24;

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

// "H:MM:SS.mmm", a form --goto and typed G take back.
std::string timeText(base::Timestamp ts)
{
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ts).count();
	char buf[48];
	std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
		      static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
		      static_cast<long long>(ms % 1000));
	return buf;
}

} // namespace

Player::Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd)
	: reader_(reader), options_(std::move(options)), outFd_(outFd), keyFd_(keyFd),
	  decoder_(options_.lax, options_.fromMiddle ? 0 : 1),
	  clock_(options_.speed, options_.paused), idle_(options_.idleLimit),
	  filter_(options_.rawOutput)
{
	outIsTty_ = ::isatty(outFd_) == 1;
	snapshotEvery_ = std::max<base::Timestamp>(options_.snapshotEvery, std::chrono::milliseconds(100));
	bool offline = options_.listMatches || options_.exportText;
	if (outIsTty_ || offline) {
		screen_ = std::make_unique<VirtualScreen>(kDefaultCols, kDefaultRows,
							  options_.exportText ? kExportScrollback : 0);
		if (!options_.search.empty()) {
			search_.emplace(options_.search);
			search_->update(*screen_);
		}
		if (auto mark = reader_.mark(); mark && !offline) {
			canRewind_ = true;
			snapshots_.push_back(Snapshot{base::Timestamp::zero(), *mark, std::nullopt, idle_,
						      kDefaultCols, kDefaultRows, screen_->paint()});
		}
	}
	if (offline) {
		ffEnd_ = true;
		offline_ = true;
		progress_.dueFrom(base::monotonicNow() + options_.progressAfter);
	}
	if (options_.goTo.end)
		ffEnd_ = true;
	else if (options_.goTo.time > base::Timestamp::zero())
		ffTarget_ = options_.goTo.time;
	// As the reference does, and tlog-play(8) says: the command line's
	// --goto writes all that comes before the place, so the terminal's
	// scrollback holds the session; a seek with keys paints instead.
	writeGoTo_ = (ffEnd_ || ffTarget_) && !offline;
}

Player::~Player() = default;

PlayResult Player::run()
{
	std::unique_ptr<term::SignalSet> signals;
	std::unique_ptr<term::IgnoredSignals> ignored;
	if (options_.handleSignals) {
		if (options_.persist) {
			ignored = std::make_unique<term::IgnoredSignals>(
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

	try {
		loop_.addTimer([this]() { return nextDeadline(); }, [this]() { pump(); });
		// The status line's clock moves while nothing else does (paused).
		loop_.addTimer(
			[this]() -> std::optional<base::Timestamp> {
				if (!statusShown_)
					return std::nullopt;
				return statusDrawnAt_ + std::chrono::milliseconds(500);
			},
			[this]() { refreshStatus(); });
		// A lone ESC: the Escape key once nothing followed in time.
		loop_.addTimer([this]() { return escapeAt_; },
			       [this]() {
				       escapeAt_.reset();
				       keys_.clear();
				       keyInput_.flush(keys_);
				       auto now = base::monotonicNow();
				       for (const auto &key : keys_)
					       onKey(key, now);
				       flushOutput();
			       });
		pump();
		if (options_.status && !done_)
			toggleStatus();
		if (!done_)
			loop_.run();
	} catch (...) {
		// The modes the recording changed go back on this way out too
		// (what came before the failure was written by pump()).
		try {
			restoreTerminal();
		} catch (...) {
		}
		throw;
	}
	// Ended inside a jump that said so: the screen it got to.
	if (jumpNoted_ && screenAhead_)
		appendPaint(true);
	// The terminal as it was: no status line, its modes, its own size.
	if (statusShown_) {
		statusShown_ = false;
		pending_ += statusRestore_;
	}
	if (outIsTty_ && !offline_)
		pending_ += filter_.restore();
	if (resizedFrom_)
		pending_ += "\x1b[8;" + std::to_string(resizedFrom_->rows) + ";" +
			    std::to_string(resizedFrom_->cols) + "t";
	progress_.clear();
	if (options_.exportText && signal_ == 0) {
		for (const auto &line : screen_->scrollback())
			pending_ += line + "\n";
		pending_ += screen_->text();
	}
	flushOutput();
	if (signal_ == 0)
		finish();
	return PlayResult{signal_, matches_};
}

void Player::finish()
{
	if (!rec_ && !options_.select.any() && !options_.fromMiddle)
		throw std::runtime_error(reader_.name() + ": no recording matches " +
					 options_.select.describe());
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
	std::string before = reader_.position();
	auto raw = reader_.read();
	if (!raw) {
		setDry(true);
		return false;
	}
	auto message = codec::parseMessage(raw->text, raw->location);
	if (!options_.select.matches(message.envelope))
		return true;
	const std::string &rec = message.envelope.rec;
	if (!rec_ && (options_.match.empty() || rec == options_.match))
		rec_ = rec;
	if (!rec_ || rec != *rec_) {
		if (std::find(others_.begin(), others_.end(), rec) == others_.end())
			others_.push_back(rec);
		return true;
	}

	std::vector<codec::Packet> packets;
	auto gap = decoder_.decode(message, raw->location, packets);
	// Met again after a jump back: reported once.
	if (gap && std::find(gaps_.begin(), gaps_.end(), gap->firstMissing) != gaps_.end())
		gap.reset();
	if (gap) {
		gaps_.push_back(gap->firstMissing);
		if (gap->firstMissing == gap->lastMissing)
			base::logLine(raw->location + ": message " + std::to_string(gap->firstMissing) +
				      " missing");
		else
			base::logLine(raw->location + ": messages " +
				      std::to_string(gap->firstMissing) + "-" +
				      std::to_string(gap->lastMissing) + " missing");
	}
	// Out of order (lax): played on, reported once as well.
	const auto &overlap = decoder_.overlap();
	if (overlap &&
	    std::find(overlaps_.begin(), overlaps_.end(), overlap->id) == overlaps_.end()) {
		overlaps_.push_back(overlap->id);
		base::logLine(raw->location + ": " + codec::describe(*overlap));
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
		if (packet.type != codec::PacketType::Input || options_.inputFd >= 0 ||
		    options_.status)
			queue_.push_back(std::move(packet));
	}
	if (!queue_.empty())
		beforeQueued_ = std::move(before);
	lastPos_ = message.pos;
	lastTime_ = message.time;
	return true;
}

std::string Player::resumePosition() const
{
	return queue_.empty() ? reader_.position() : beforeQueued_;
}

std::optional<base::Timestamp> Player::nextDeadline() const
{
	// "Due now" is a time in the past: the loop compares deadlines with
	// the time it took before asking.
	constexpr base::Timestamp kNow = base::Timestamp::zero();
	if (done_)
		return std::nullopt;
	if (screenAhead_)
		return kNow; // a jump to show
	if (queue_.empty()) {
		// At the end and resumed: time to end.
		if (dry_ && reader_.finished() && !holdAtEnd())
			return kNow;
		return dry_ ? retryAt_ : std::optional(kNow);
	}
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
				// Not inside an escape sequence or a character a
				// message boundary split: a paint cannot carry that.
				if (canRewind_ && started_ && screen_->settled() &&
				    lastTs_ >= snapshots_.back().ts + snapshotEvery_)
					takeSnapshot();
				if (dry_ || !readOne())
					break;
				// A message that gave nothing to play (another
				// recording's) counts too: skipping a whole file's
				// worth must not keep keys and signals waiting.
				if (queue_.empty())
					budget--;
				continue;
			}
			const auto &packet = queue_.front();
			bool ff = ffEnd_ || (ffTarget_ && packet.ts <= *ffTarget_);
			if (!ff)
				writeGoTo_ = false; // there: from here on it plays
			bool step = !ff && steps_ > 0;
			if (!ff && screenAhead_) {
				// The silent run is over: show where it landed.
				landed();
				budget--;
				continue;
			}
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
			// With a screen, a jump is put on it, not printed (but for
			// the command line's --goto).
			emit(packet, !ff || !screen_ || writeGoTo_);
			queue_.pop_front();
			budget--;
			if (pending_.size() >= kFlushBytes)
				flushOutput();
		}
		if (ffEnd_ && queue_.empty() && dry_)
			finishCatchUp(now);
		if (screenAhead_ && !ffEnd_ && queue_.empty() && dry_)
			landed();
		// Following, with everything logged so far played: move the clock
		// to the recording's live edge, so what is logged next plays at
		// once instead of lagging by the time playback started late.
		if (options_.follow && !ffEnd_ && queue_.empty() && dry_ && !clock_.paused())
			if (auto live = liveEdge(); live && *live > clock_.position(now))
				clock_.seek(now, *live);
		flushOutput();
		showProgress(now);
		noteJump(now);
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
	// Paused with keys to seek with, the player stays (until resumed or q).
	if (queue_.empty() && dry_ && !holdAtEnd() &&
	    (reader_.finished() || (reader_.waitFd() < 0 && !retryAt_))) {
		done_ = true;
		loop_.stop();
	}
}

bool Player::holdAtEnd() const noexcept
{
	return keyFd_ >= 0 && screen_ && clock_.paused() && !options_.listMatches &&
	       !options_.exportText;
}

void Player::finishCatchUp(base::Timestamp now)
{
	ffEnd_ = false;
	writeGoTo_ = false;
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

void Player::emit(const codec::Packet &packet, bool show)
{
	if (packet.type == codec::PacketType::Output) {
		shownTs_ = packet.ts;
		if (screen_) {
			if (!sawOutput_ && !sawWindow_)
				// No window size before the first output: recorded
				// from a pipe, where a line feed also meant "back to
				// the first column".
				screen_->setNewlineMode(true);
			sawOutput_ = true;
			screen_->feed(packet.data);
			if (search_)
				for (const auto &row : search_->update(*screen_))
					onSearchMatch(packet.ts, row);
			if (!show) {
				screenAhead_ = true;
				return;
			}
		}
		// Bound for the auditor's terminal: filtered (a file or pipe
		// gets what was recorded).
		if (outIsTty_)
			filter_.feed(packet.data, pending_);
		else
			pending_ += packet.data;
		return;
	}
	if (packet.type == codec::PacketType::Input) {
		if (!show)
			return;
		if (options_.inputFd >= 0)
			pendingInput_ += packet.data;
		// For the status line: control characters as ^X.
		for (unsigned char c : packet.data) {
			if (c < 0x20 || c == 0x7f) {
				lastKeys_ += '^';
				lastKeys_ += static_cast<char>(c ^ 0x40);
			} else {
				lastKeys_ += static_cast<char>(c);
			}
		}
		constexpr std::size_t kKeysShown = 24;
		if (lastKeys_.size() > kKeysShown * 2)
			lastKeys_.erase(0, lastKeys_.size() - kKeysShown);
		return;
	}
	if (packet.type != codec::PacketType::Window)
		return;
	sawWindow_ = true;
	if (screen_ && packet.cols > 0 && packet.rows > 0)
		screen_->resize(packet.cols, packet.rows);
	if (!outIsTty_ || options_.listMatches || options_.exportText)
		return;
	term::WindowSize recorded{packet.cols, packet.rows};
	auto terminal = term::getWindowSize(outFd_);
	if (!terminal || recorded.cols == 0 || recorded.rows == 0)
		return;
	// Asked for even during a jump: the terminal has the size on landing.
	if (options_.resize) {
		// One more row for the status line, under the recording.
		term::WindowSize want{recorded.cols,
				      static_cast<unsigned short>(recorded.rows + (options_.status ? 1 : 0))};
		if (want != *terminal) {
			if (!resizedFrom_)
				resizedFrom_ = *terminal;
			pending_ += "\x1b[8;" + std::to_string(want.rows) + ";" +
				    std::to_string(want.cols) + "t";
		}
		return;
	}
	if (!show)
		return;
	if (recorded == *terminal) {
		reportedRecorded_.reset();
		return;
	}
	if (reportedRecorded_ == recorded)
		return;
	reportedRecorded_ = recorded;
	flushOutput();
	// Smaller is what garbles the picture: say what would help.
	bool smaller = terminal->cols < recorded.cols || terminal->rows < recorded.rows;
	base::logLine("recorded at " + sizeText(recorded) + ", this terminal is " +
		      sizeText(*terminal) +
		      (smaller ? " (--resize asks the terminal for the recorded size)" : ""));
}

void Player::flushOutput()
{
	if (!pendingInput_.empty()) {
		std::string input;
		input.swap(pendingInput_);
		base::writeAll(options_.inputFd, input);
	}
	if (pending_.empty())
		return;
	progress_.clear(); // stdout may be the same terminal
	std::string data;
	if (statusShown_) {
		// The row under the status line back first, so the output
		// (scrolling) moves what the recording had there, then the
		// status line again.
		data = std::move(statusRestore_);
		data += pending_;
		pending_.clear();
		data += drawStatus();
	} else {
		data.swap(pending_);
	}
	base::writeAll(outFd_, data);
}

std::string Player::statusText() const
{
	auto now = base::monotonicNow();
	std::string text = " " + timeText(std::max(clock_.position(now), base::Timestamp::zero()));
	text.resize(text.size() - 4); // whole seconds
	std::optional<base::Timestamp> length = options_.duration;
	if (!length && reader_.finished() && dry_ && queue_.empty())
		length = lastTs_;
	if (length) {
		std::string total = timeText(*length);
		text += " / " + total.substr(0, total.size() - 4);
	}
	char speed[32];
	std::snprintf(speed, sizeof(speed), "  %gx", clock_.speed());
	text += speed;
	if (clock_.paused())
		text += "  paused";
	if (!gaps_.empty())
		text += "  " + std::to_string(gaps_.size()) + (gaps_.size() == 1 ? " gap" : " gaps");
	if (search_)
		text += "  /" + search_->pattern();
	if (!lastKeys_.empty()) {
		// The last keys typed (the end of UTF-8 text may be cut).
		std::size_t from = lastKeys_.size() > 24 ? lastKeys_.size() - 24 : 0;
		while (from < lastKeys_.size() && (lastKeys_[from] & 0xc0) == 0x80)
			from++; // not in the middle of a character
		std::string keys = lastKeys_.substr(from);
		text += "  keys: " + keys;
	}
	text += "  (s hides this)";
	return text;
}

std::string Player::drawStatus()
{
	auto terminal = term::getWindowSize(outFd_);
	if (!terminal || terminal->rows == 0)
		return {};
	unsigned row = terminal->rows - 1u;
	statusRestore_ = screen_->paintRow(row) + screen_->cursorAndPen();
	std::string text = statusText();
	if (text.size() > terminal->cols)
		text.resize(terminal->cols);
	statusDrawnAt_ = base::monotonicNow();
	// Drawn in plain modes (the recording may have line drawing shifted
	// in, or insert or origin mode on), which cursorAndPen() puts back.
	return std::string(VirtualScreen::plainModes()) + "\x1b[" + std::to_string(row + 1) +
	       ";1H\x1b[0;7m\x1b[2K" + text + "\x1b[0m" + screen_->cursorAndPen();
}

std::string Player::reachedText() const
{
	auto seconds = [](base::Timestamp ts) {
		std::string text = timeText(ts);
		text.resize(text.size() - 4); // whole seconds
		return text;
	};
	std::string text = seconds(lastTs_);
	if (options_.duration)
		text += " of " + seconds(*options_.duration);
	return text;
}

void Player::showProgress(base::Timestamp now)
{
	if (!offline_ || done_ || !progress_.due(now))
		return;
	progress_.show("reading the recording: at " + reachedText());
}

void Player::noteJump(base::Timestamp now)
{
	if (!screenAhead_) {
		jumpSince_.reset();
		jumpNoted_ = false; // the landing painted over it
		return;
	}
	if (!jumpSince_)
		jumpSince_ = now;
	if (!outIsTty_ || offline_ || now - *jumpSince_ < options_.progressAfter ||
	    now < jumpNoteAt_)
		return;
	auto terminal = term::getWindowSize(outFd_);
	if (!terminal || terminal->rows == 0)
		return;
	// The screen is not shown until the jump lands, and the landing
	// paints all of it: this row needs no putting back.
	std::string text = " seeking: at " + reachedText();
	if (text.size() > terminal->cols)
		text.resize(terminal->cols);
	base::writeAll(outFd_, std::string(VirtualScreen::plainModes()) + "\x1b[" +
				       std::to_string(terminal->rows) + ";1H\x1b[0;7m\x1b[2K" + text +
				       "\x1b[0m");
	jumpNoted_ = true;
	jumpNoteAt_ = now + base::ProgressLine::kEvery;
}

void Player::refreshStatus()
{
	if (!statusShown_)
		return;
	flushOutput();
	base::writeAll(outFd_, drawStatus());
}

void Player::toggleStatus()
{
	if (!screen_ || !outIsTty_)
		return;
	if (statusShown_) {
		statusShown_ = false;
		pending_ += statusRestore_;
		statusRestore_.clear();
	} else {
		flushOutput();
		statusShown_ = true;
		pending_ += drawStatus();
		// Not through flushOutput(): nothing lies under it yet.
		std::string data;
		data.swap(pending_);
		base::writeAll(outFd_, data);
	}
}

void Player::jump(PlayPosition target)
{
	writeGoTo_ = false;
	auto now = base::monotonicNow();
	if (target.end) {
		ffEnd_ = true;
		return;
	}
	if (screen_ && started_) {
		seekTo(target.time);
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

void Player::seekTo(base::Timestamp target)
{
	writeGoTo_ = false;
	if (!screen_) {
		jump(PlayPosition{false, target});
		return;
	}
	target = std::max(target, base::Timestamp::zero());
	if (!started_) {
		ffTarget_ = target;
		return;
	}
	if (target < shownTs_) {
		if (!rewindTo(target)) {
			base::logLine(reader_.name() + ": cannot go back in this source");
			return;
		}
	} else if (canRewind_) {
		// Far ahead, past a snapshot already taken (after a jump back):
		// start from there rather than replay everything between.
		auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
					   [](base::Timestamp t, const Snapshot &s) { return t < s.ts; });
		if (it != snapshots_.begin() && std::prev(it)->ts > shownTs_)
			rewindTo(target);
	}
	ffEnd_ = false;
	ffTarget_ = target;
	steps_ = 0;
	// Painted on landing, even when nothing lies between.
	screenAhead_ = true;
	clock_.seek(base::monotonicNow(), target);
}

bool Player::rewindTo(base::Timestamp target)
{
	if (!canRewind_ || snapshots_.empty())
		return false;
	auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
				   [](base::Timestamp t, const Snapshot &s) { return t < s.ts; });
	if (it != snapshots_.begin())
		--it;
	const Snapshot &snap = *it;
	reader_.rewind(snap.mark);
	decoder_ = snap.lastId ? codec::ChunkDecoder(options_.lax, *snap.lastId + 1)
			       : codec::ChunkDecoder(options_.lax, options_.fromMiddle ? 0 : 1);
	idle_ = snap.idle;
	queue_.clear();
	screen_->clear();
	screen_->resize(snap.cols, snap.rows);
	screen_->feed(snap.paint);
	if (search_) {
		// What the snapshot shows is not new.
		search_->reset();
		search_->update(*screen_);
	}
	lastTs_ = snap.ts;
	shownTs_ = snap.ts;
	setDry(false);
	return true;
}

void Player::takeSnapshot()
{
	auto mark = reader_.mark();
	if (!mark) {
		canRewind_ = false;
		return;
	}
	snapshots_.push_back(Snapshot{lastTs_, std::move(*mark), decoder_.lastId(), idle_,
				      screen_->cols(), screen_->rows(), screen_->paint()});
	snapshotBytes_ += snapshots_.back().paint.size() + snapshots_.back().mark.size();
	if (snapshots_.size() >= kMaxSnapshots || snapshotBytes_ > kMaxSnapshotBytes) {
		// Every other one goes (the first stays): memory stays bounded
		// and seeking back replays at most twice as far.
		std::size_t kept = 1;
		snapshotBytes_ = snapshots_[0].paint.size() + snapshots_[0].mark.size();
		for (std::size_t i = 2; i < snapshots_.size(); i += 2) {
			snapshotBytes_ += snapshots_[i].paint.size() + snapshots_[i].mark.size();
			snapshots_[kept++] = std::move(snapshots_[i]);
		}
		snapshots_.resize(kept);
		snapshotEvery_ *= 2;
	}
}

void Player::landed()
{
	screenAhead_ = false;
	if (scan_ == Scan::Back) {
		scan_ = Scan::None;
		if (scanFound_) {
			auto found = *scanFound_;
			scanFound_.reset();
			seekTo(found);
			return;
		}
		base::logLine("no earlier match for \"" + search_->pattern() + "\"");
	} else if (scan_ == Scan::Forward) {
		// The end came first: back to where the search started.
		scan_ = Scan::None;
		base::logLine("no later match for \"" + search_->pattern() + "\"");
		seekTo(scanOrigin_);
		return;
	}
	if (!options_.listMatches && !options_.exportText)
		appendPaint(true);
}

void Player::appendPaint(bool jumped)
{
	std::string paint = screen_->paint();
	// After a jump the recorded output goes on from elsewhere: a sequence
	// it held is not completed by what comes next.
	if (jumped)
		filter_.cut();
	filter_.note(paint);
	pending_ += paint;
}

void Player::restoreTerminal()
{
	if (!outIsTty_ || offline_)
		return;
	auto restore = filter_.restore();
	if (!restore.empty())
		base::writeAll(outFd_, restore);
}

void Player::startSearch(std::string pattern, bool forward)
{
	if (!screen_ || pattern.empty())
		return;
	if (!search_ || search_->pattern() != pattern) {
		search_.emplace(std::move(pattern));
		search_->update(*screen_); // what is on the screen now is not new
	}
	if (!started_)
		return;
	auto now = base::monotonicNow();
	scanOrigin_ = shownTs_;
	scanFound_.reset();
	if (forward) {
		scan_ = Scan::Forward;
		ffEnd_ = true;
		screenAhead_ = true;
		return;
	}
	// Backwards: replay from the start to here, noting the matches, then
	// go to the last one.
	if (!rewindTo(base::Timestamp::zero())) {
		base::logLine(reader_.name() + ": cannot go back in this source");
		return;
	}
	scan_ = Scan::Back;
	ffEnd_ = false;
	ffTarget_ = scanOrigin_;
	screenAhead_ = true;
	clock_.seek(now, scanOrigin_);
}

void Player::onSearchMatch(base::Timestamp ts, const std::string &row)
{
	if (options_.listMatches) {
		pending_ += timeText(ts) + "\t" + row + "\n";
		matches_++;
		return;
	}
	if (scan_ == Scan::Forward && ts > scanOrigin_) {
		scan_ = Scan::None;
		ffEnd_ = false;
		ffTarget_ = ts;
		clock_.seek(base::monotonicNow(), ts);
	} else if (scan_ == Scan::Back && ts < scanOrigin_) {
		scanFound_ = ts;
	}
}

bool Player::onPromptKey(char c)
{
	if (c == '\r' || c == '\n') {
		std::string pattern = std::move(*prompt_);
		prompt_.reset();
		if (pattern.empty() && search_)
			pattern = search_->pattern();
		appendPaint(false);
		startSearch(std::move(pattern), true);
		return true;
	}
	if (c == '\x1b' || c == '\x03') {
		// Cancelled (an arrow key cancels too).
		prompt_.reset();
		appendPaint(false);
		return false;
	}
	if (c == '\x7f' || c == '\b') {
		if (!prompt_->empty())
			prompt_->pop_back();
	} else if (static_cast<unsigned char>(c) >= 0x20 && prompt_->size() < kMaxPattern) {
		*prompt_ += c;
	}
	// On the terminal's last row, in plain modes; the recording's modes,
	// cursor and pen put back after.
	pending_ += std::string(VirtualScreen::plainModes()) + "\x1b[999;1H\x1b[0m\x1b[2K/" +
		    *prompt_ + screen_->cursorAndPen();
	return true;
}

void Player::onKeys(std::string_view bytes)
{
	auto now = base::monotonicNow();
	keys_.clear();
	keyInput_.feed(bytes, keys_);
	for (const auto &key : keys_)
		onKey(key, now);
	escapeAt_.reset();
	if (keyInput_.escapePending())
		escapeAt_ = now + kEscapeWait;
	flushOutput(); // the prompt, a repaint
}

void Player::onKey(const term::Key &key, base::Timestamp now)
{
	using Kind = term::Key::Kind;
	if (prompt_) {
		if (key.kind == Kind::Byte) {
			onPromptKey(key.byte);
			return;
		}
		// Escape cancels; so does an arrow, which then moves.
		onPromptKey('\x1b');
	}
	if (key.kind == Kind::Escape)
		return;
	if (key.kind != Kind::Byte) {
		if (!screen_)
			return;
		typed_.clear();
		using std::chrono::seconds;
		auto at = clock_.position(now);
		switch (key.kind) {
		case Kind::Up: seekTo(at - seconds(60)); break;
		case Kind::Down: seekTo(at + seconds(60)); break;
		case Kind::Right: seekTo(at + seconds(5)); break;
		default: seekTo(at - seconds(5)); break;
		}
		return;
	}
	char c = key.byte;
	bool typing = (c >= '0' && c <= '9') || c == ':' || (c == '.' && !typed_.empty());
	if (typing) {
		if (typed_.size() < kMaxTyped)
			typed_ += c;
		return;
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
	case ',':
		// One output event back: everything before the last one shown.
		if (screen_ && started_) {
			clock_.setPaused(now, true);
			seekTo(shownTs_ - std::chrono::milliseconds(1));
		}
		break;
	case 'g':
		if (screen_)
			seekTo(base::Timestamp::zero());
		break;
	case 's':
		toggleStatus();
		break;
	case '/':
		if (screen_) {
			prompt_.emplace();
			onPromptKey('\0');
		}
		break;
	case 'n':
	case 'N':
		if (search_)
			startSearch(search_->pattern(), c == 'n');
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

void Player::onKeyFdReadable()
{
	// Sequences split between reads are joined by keyInput_.
	char buf[1024];
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
