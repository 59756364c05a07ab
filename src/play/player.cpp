// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/player.hpp"

#include <algorithm>

#include <poll.h>

#include "playback_signals.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/term/raw_terminal.hpp"
#include "tlog/term/window.hpp"

namespace tlog::play {

namespace {

// Packets played per round of the loop while fast-forwarding, so keys and
// signals are still seen during a long catch-up.
constexpr int kBurst = 512;
// How long an ESC that ended a read waits for the rest of a sequence the
// terminal's write was cut into before it counts as the Escape key.
constexpr auto kEscapeWait = std::chrono::milliseconds(200);

} // namespace

Player::Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd)
    : Player(reader, std::move(options), outFd, keyFd, nullptr, std::make_unique<term::EventLoop>())
{
}

Player::Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd,
	       term::EventLoop &loop)
    : Player(reader, std::move(options), outFd, keyFd, &loop, nullptr)
{
}

Player::Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd,
	       term::EventLoop *loop, std::unique_ptr<term::EventLoop> ownLoop)
    : ownLoop_(std::move(ownLoop)), loop_(loop != nullptr ? *loop : *ownLoop_),
      options_(std::move(options)), keyFd_(keyFd), stream_(reader, options_.stream(), loop_),
      pacer_(options_.speed, options_.paused), output_(outFd, options_.rawOutput, options_.inputFd),
      keyMap_(output_.isTerminal()), sizing_(options_.resize, options_.status),
      jumpNote_(options_.progressAfter),
      playTimer_(
	  loop_, [this] { return nextDue(); }, [this] { playDue(); }),
      statusTimer_(
	  loop_, [this] { return status_.refreshAt(); }, [this] { refreshStatus(); }),
      escapeTimer_(loop_, [this] {
	      // Nothing followed a lone ESC in time: the Escape key.
	      keys_.clear();
	      keyInput_.flush(keys_);
	      auto at = now();
	      for (const auto &key : keys_)
		      onKey(key, at);
	      flushOutput();
      })
{
	if (output_.isTerminal()) {
		screen_.emplace(0, options_.search);
		if (auto mark = stream_.mark())
			snapshots_.emplace(options_.snapshotEvery, std::move(*mark), *screen_);
	}
	if (options_.goTo.end)
		pacer_.forwardToEnd();
	else if (options_.goTo.time > base::Timestamp::zero())
		pacer_.forwardUntil(options_.goTo.time);
	// As the reference does, and tlog-play(8) says: the command line's
	// --goto writes all that comes before the place, so the terminal's
	// scrollback holds the session; a seek with keys paints instead.
	printingCatchUp_ = pacer_.toEnd() || pacer_.until();
}

Player::~Player() = default;

PlayResult Player::run()
{
	std::optional<PlaybackSignals> signals;
	if (options_.handleSignals)
		signals.emplace(loop_, options_.persist);
	std::optional<term::RawTerminal> raw;
	if (keyFd_ >= 0) {
		raw.emplace(keyFd_);
		keyWatch_.emplace(loop_, keyFd_, POLLIN, [this](short) { onKeyFdReadable(); });
	}
	try {
		playDue();
		if (options_.status && !done_)
			toggleStatus();
		if (!done_)
			loop_.run();
	} catch (...) {
		keyWatch_.reset();
		// The modes the recording changed go back on this way out too
		// (what came before the failure was written by playDue()).
		try {
			restoreTerminal();
		} catch (...) {
		}
		throw;
	}
	keyWatch_.reset();
	int signal = signals ? signals->caught() : 0;
	// Ended inside a seek that said so: the screen it got to.
	if (jumpNote_.shown() && landingPaintDue_)
		paintScreen(true);
	// The terminal as it was: no status line, its modes, its own size.
	if (status_.shown())
		output_.append(status_.hide());
	output_.append(output_.restoreModes());
	output_.append(sizing_.restore());
	flushOutput();
	if (signal == 0)
		stream_.finish();
	return PlayResult{signal, 0};
}

std::optional<base::Timestamp> Player::nextDue() const
{
	// "Due now" is a time in the past: the loop compares deadlines with
	// the time it took before asking.
	constexpr base::Timestamp kNow = base::Timestamp::zero();
	if (done_ || awaitingIndex_)
		return std::nullopt;
	if (landingPaintDue_)
		return kNow;
	if (stream_.empty()) {
		// At the end and resumed: time to end.
		if (stream_.atReaderEnd() && stream_.finished() && !holdsAtEnd())
			return kNow;
		// Waiting for the reader: the stream's watch or retry wakes us.
		return stream_.atReaderEnd() ? std::nullopt : std::optional(kNow);
	}
	return pacer_.dueAt(stream_.front().ts);
}

bool Player::readMessage()
{
	if (!stream_.readMessage())
		return false;
	if (!started_ && stream_.start()) {
		// The clock starts at the first message, or at the fast-forward
		// target.
		auto start = *stream_.start();
		if (pacer_.until() && *pacer_.until() > start)
			start = *pacer_.until();
		pacer_.clock().seek(now(), start);
		started_ = true;
	}
	return true;
}

void Player::playDue()
{
	try {
		auto now = this->now();
		auto &clock = pacer_.clock();
		for (int budget = kBurst; budget > 0 && !done_;) {
			if (stream_.empty()) {
				if (awaitIndex())
					break;
				// Not inside an escape sequence or a character a
				// message boundary split: a paint cannot carry that.
				if (snapshots_ && started_ && screen_->screen().settled() &&
				    snapshots_->due(stream_.reached()))
					takeSnapshot();
				if (stream_.atReaderEnd() || !readMessage())
					break;
				// A message that gave nothing to play (another
				// recording's) counts too: skipping a whole file's
				// worth must not keep keys and signals waiting.
				if (stream_.empty())
					budget--;
				continue;
			}
			const auto &packet = stream_.front();
			bool fast = pacer_.fastForwards(packet.ts);
			if (!fast)
				printingCatchUp_ = false; // there: from here on it plays
			bool step = !fast && pacer_.stepping();
			if (!fast && landingPaintDue_) {
				// The unseen replay is over: show where it landed.
				onSeekLanded();
				budget--;
				continue;
			}
			if (!fast && !step) {
				auto due = clock.dueAt(packet.ts);
				if (!due || *due > now)
					break;
			}
			if (step && packet.type == codec::PacketType::Output) {
				pacer_.stepTaken();
				if (packet.ts > clock.position(now))
					clock.seek(now, packet.ts);
			}
			// With a screen, a seek is put on it, not printed (but for
			// the command line's --goto).
			playPacket(packet, !fast || !screen_ || printingCatchUp_ ? Seen::Shown
										 : Seen::Unseen);
			stream_.pop();
			budget--;
			if (output_.full())
				flushOutput();
		}
		bool waiting = stream_.empty() && stream_.atReaderEnd();
		if (pacer_.toEnd() && waiting)
			caughtUpWithEnd(now);
		if (landingPaintDue_ && !pacer_.toEnd() && waiting)
			onSeekLanded();
		// Following, with everything logged so far played: move the
		// clock to the recording's live edge, so what is logged next
		// plays at once instead of lagging by the time playback started
		// late.
		if (options_.follow && !pacer_.toEnd() && waiting && !clock.paused())
			if (auto live = stream_.liveEdge(); live && *live > clock.position(now))
				clock.seek(now, *live);
		flushOutput();
		noteSeek(now);
	} catch (...) {
		// Output that came before the failure still goes out.
		try {
			flushOutput();
		} catch (...) {
		}
		throw;
	}
	// The end: nothing queued and nothing more will come. A reader that is
	// not finished but offers nothing to wait on would hang: it ends too.
	// Paused with keys to seek with, the player stays (until resumed or q).
	if (stream_.empty() && !holdsAtEnd() && stream_.ended()) {
		stream_.sayWhyEnded(); // after the last output
		done_ = true;
		loop_.stop();
	}
}

bool Player::holdsAtEnd() const noexcept
{
	return keyFd_ >= 0 && screen_ && pacer_.clock().paused();
}

void Player::caughtUpWithEnd(base::Timestamp now)
{
	pacer_.stopForwardToEnd();
	printingCatchUp_ = false;
	// Everything there was is written; from here on play in step with the
	// recording. When following a live recording, its "time" field tells
	// how far it has got since its last message.
	auto &clock = pacer_.clock();
	auto position = std::max(stream_.reached(), clock.position(now));
	if (options_.follow)
		if (auto live = stream_.liveEdge())
			position = std::max(position, *live);
	clock.seek(now, position);
	pacer_.forwardUntil(position);
}

void Player::takeSnapshot()
{
	auto mark = stream_.mark();
	if (!mark) {
		snapshots_.reset(); // the reader cannot go back after all
		return;
	}
	snapshots_->take(stream_.reached(), std::move(*mark), *screen_);
}

void Player::noteSeek(base::Timestamp now)
{
	if (!jumpNote_.due(landingPaintDue_, now) || !output_.isTerminal())
		return;
	auto note = jumpNote_.note(term::getWindowSize(output_.fd()), reachedText(), now);
	if (!note.empty())
		output_.write(note);
}

void Player::playPacket(const codec::Packet &packet, Seen seen)
{
	switch (packet.type) {
	case codec::PacketType::Output:
		playOutput(packet, seen);
		break;
	case codec::PacketType::Input:
		if (seen == Seen::Unseen)
			break;
		output_.typed(packet.data);
		status_.noteKeys(packet.data);
		break;
	case codec::PacketType::Window:
		playWindow(packet, seen);
		break;
	default:
		break;
	}
}

void Player::playOutput(const codec::Packet &packet, Seen seen)
{
	shownTs_ = packet.ts;
	if (screen_) {
		for (std::size_t n = screen_->output(packet.data).size(); n > 0; n--)
			onSearchMatch(packet.ts);
		if (seen == Seen::Unseen) {
			landingPaintDue_ = true;
			return;
		}
	}
	output_.recorded(packet.data);
}

void Player::playWindow(const codec::Packet &packet, Seen seen)
{
	if (screen_)
		screen_->window(packet.cols, packet.rows);
	if (!output_.isTerminal())
		return;
	term::WindowSize recorded{packet.cols, packet.rows};
	auto terminal = term::getWindowSize(output_.fd());
	if (!terminal || recorded.cols == 0 || recorded.rows == 0)
		return;
	auto action = sizing_.onRecorded(recorded, *terminal, seen == Seen::Shown);
	output_.append(action.request);
	if (!action.report.empty()) {
		flushOutput();
		base::logLine(action.report);
	}
}

void Player::goTo(PlayPosition target)
{
	printingCatchUp_ = false;
	if (target.end) {
		seekTarget_.reset();
		awaitingIndex_ = false;
		// From the index's last snapshot, when it has one ahead.
		if (index_ && started_)
			if (auto ts = index_->restoreAfter(shownTs_, base::Timestamp::max(),
							   stream_, *screen_)) {
				shownTs_ = *ts;
				landingPaintDue_ = true;
			}
		pacer_.forwardToEnd();
	} else if (screen_ && started_) {
		seek(target.time);
	} else {
		fastForwardTo(target.time);
	}
}

void Player::fastForwardTo(base::Timestamp target)
{
	// Forward only: a place already passed is left alone.
	if (!started_) {
		if (!pacer_.until() || target > *pacer_.until())
			pacer_.forwardUntil(target);
		return;
	}
	auto now = this->now();
	if (target <= pacer_.clock().position(now))
		return;
	pacer_.forwardUntil(target);
	pacer_.clock().seek(now, target);
}

void Player::seek(base::Timestamp target)
{
	printingCatchUp_ = false;
	target = std::max(target, base::Timestamp::zero());
	if (!started_) {
		pacer_.forwardUntil(target);
		return;
	}
	if (target < shownTs_) {
		if (!restoreSnapshot(target)) {
			base::logLine(stream_.reader().name() + ": cannot go back in this source");
			return;
		}
	} else if (snapshots_ && snapshots_->aheadOf(shownTs_, target)) {
		// Far ahead, past a snapshot already taken (after a seek back):
		// start from there rather than replay everything between.
		restoreSnapshot(target);
	}
	pacer_.stopForwardToEnd();
	pacer_.forwardUntil(target);
	pacer_.clearSteps();
	seekTarget_ = target;
	awaitingIndex_ = false;
	// Painted on landing, even when nothing lies between.
	landingPaintDue_ = true;
	pacer_.clock().seek(now(), target);
}

bool Player::restoreSnapshot(base::Timestamp target)
{
	if (!snapshots_)
		return false;
	shownTs_ = snapshots_->restore(target, stream_, *screen_);
	return true;
}

void Player::useIndex(SnapshotIndex &index)
{
	if (!snapshots_)
		return; // no screen, or a reader that cannot go back
	index_ = &index;
	indexWatch_.emplace(loop_, index.wakeFd(), POLLIN, [this](short) {
		index_->drain();
		awaitingIndex_ = false; // playDue() looks again
	});
}

bool Player::awaitIndex()
{
	awaitingIndex_ = false;
	if (!index_ || !seekTarget_ || !started_)
		return false;
	// Still on its way, and not behind this replay: it gets there first
	// (or as soon: one core does the work, not two). At the start it may
	// still be taking the file's digest (SnapshotCache).
	auto reached = index_->reached();
	if (index_->running() && reached < *seekTarget_ && reached >= shownTs_) {
		awaitingIndex_ = true;
		return true;
	}
	if (auto ts = index_->restoreAfter(shownTs_, *seekTarget_, stream_, *screen_))
		shownTs_ = *ts;
	return false;
}

void Player::onSeekLanded()
{
	landingPaintDue_ = false;
	seekTarget_.reset();
	const std::string *pattern = screen_ ? screen_->pattern() : nullptr;
	auto landing = scan_.land(pattern ? *pattern : std::string());
	if (!landing.message.empty())
		base::logLine(landing.message);
	if (landing.seekTo) {
		seek(*landing.seekTo);
		return;
	}
	paintScreen(true);
}

void Player::startSearch(std::string pattern, bool forward)
{
	if (!screen_ || pattern.empty())
		return;
	if (!screen_->pattern() || *screen_->pattern() != pattern)
		screen_->search(std::move(pattern));
	if (!started_)
		return;
	auto now = this->now();
	auto origin = shownTs_;
	// A scan sees every match on the way: no snapshot skips any.
	seekTarget_.reset();
	awaitingIndex_ = false;
	scan_.from(origin);
	if (forward) {
		scan_.forward();
		pacer_.forwardToEnd();
		landingPaintDue_ = true;
		return;
	}
	// Backwards: replay from the start to here, noting the matches, then
	// go to the last one.
	if (!restoreSnapshot(base::Timestamp::zero())) {
		base::logLine(stream_.reader().name() + ": cannot go back in this source");
		return;
	}
	scan_.back();
	pacer_.stopForwardToEnd();
	pacer_.forwardUntil(origin);
	landingPaintDue_ = true;
	pacer_.clock().seek(now, origin);
}

void Player::onSearchMatch(base::Timestamp ts)
{
	if (!scan_.onMatch(ts))
		return;
	// A scan forward found its place: play on unseen up to it.
	pacer_.stopForwardToEnd();
	pacer_.forwardUntil(ts);
	pacer_.clock().seek(now(), ts);
}

void Player::onKeys(std::string_view bytes)
{
	auto now = this->now();
	keys_.clear();
	keyInput_.feed(bytes, keys_);
	for (const auto &key : keys_)
		onKey(key, now);
	escapeTimer_.cancel();
	if (keyInput_.escapePending())
		escapeTimer_.schedule(now + kEscapeWait);
	// The prompt, a repaint; the status line at once (paused, the speed),
	// not at its next refresh.
	if (status_.shown())
		refreshStatus();
	else
		flushOutput();
}

void Player::onKey(const term::Key &key, base::Timestamp now)
{
	commands_.clear();
	keyMap_.onKey(key, commands_);
	for (const auto &command : commands_)
		execute(command, now);
}

void Player::execute(const Command &command, base::Timestamp now)
{
	using Kind = Command::Kind;
	auto &clock = pacer_.clock();
	switch (command.kind) {
	case Kind::TogglePause:
		clock.setPaused(now, !clock.paused());
		break;
	case Kind::Faster:
		if (clock.speed() * 2 <= kMaxKeySpeed)
			clock.setSpeed(now, clock.speed() * 2);
		break;
	case Kind::Slower:
		if (clock.speed() / 2 >= kMinKeySpeed)
			clock.setSpeed(now, clock.speed() / 2);
		break;
	case Kind::NormalSpeed:
		clock.setSpeed(now, 1.0);
		break;
	case Kind::Step:
		pacer_.step();
		break;
	case Kind::StepBack:
		// One output event back: everything before the last one shown.
		if (screen_ && started_) {
			clock.setPaused(now, true);
			seek(shownTs_ - std::chrono::milliseconds(1));
		}
		break;
	case Kind::SeekBy:
		seek(clock.position(now) + command.by);
		break;
	case Kind::SeekStart:
		seek(base::Timestamp::zero());
		break;
	case Kind::GoTo:
		goTo(command.position);
		break;
	case Kind::ToggleStatus:
		toggleStatus();
		break;
	case Kind::PromptShown:
		// On the terminal's last row, in plain modes; the recording's
		// modes, cursor and pen put back after.
		output_.append(std::string(screen::VirtualScreen::plainModes()) +
			       "\x1b[999;1H\x1b[0m\x1b[2K/" + command.text +
			       screen_->screen().cursorAndPen());
		break;
	case Kind::PromptClosed:
		paintScreen(false);
		break;
	case Kind::Search: {
		std::string pattern = command.text;
		if (pattern.empty() && screen_->pattern())
			pattern = *screen_->pattern();
		startSearch(std::move(pattern), true);
		break;
	}
	case Kind::SearchNext:
	case Kind::SearchBack:
		if (screen_ && screen_->pattern())
			startSearch(*screen_->pattern(), command.kind == Kind::SearchNext);
		break;
	case Kind::Quit:
		if (!options_.persist) {
			done_ = true;
			loop_.stop();
		}
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
		keyWatch_->unwatch();
		return;
	}
	if (n > 0)
		onKeys(std::string_view(buf, static_cast<std::size_t>(n)));
}

void Player::flushOutput()
{
	output_.writeTyped();
	if (output_.empty())
		return;
	if (!status_.shown()) {
		output_.flush();
		return;
	}
	// The row under the status line back first, so the output (scrolling)
	// moves what the recording had there, then the status line again.
	std::string restore = status_.takeRestore();
	std::string status = drawStatus();
	output_.flush(restore, status);
}

void Player::restoreTerminal()
{
	auto restore = output_.restoreModes();
	if (!restore.empty())
		output_.write(restore);
}

void Player::paintScreen(bool jumped)
{
	output_.paint(screen_->screen().paint(), jumped);
}

void Player::toggleStatus()
{
	if (!screen_)
		return;
	if (status_.shown()) {
		output_.append(status_.hide());
		return;
	}
	flushOutput();
	status_.show();
	output_.append(drawStatus());
	// Not through flushOutput(): nothing lies under it yet.
	output_.flush();
}

void Player::refreshStatus()
{
	if (!status_.shown())
		return;
	flushOutput();
	output_.write(drawStatus());
}

std::string Player::drawStatus()
{
	auto now = this->now();
	StatusFacts facts;
	facts.position = pacer_.clock().position(now);
	facts.length = options_.duration;
	if (!facts.length && stream_.finished() && stream_.atReaderEnd() && stream_.empty())
		facts.length = stream_.reached();
	facts.speed = pacer_.clock().speed();
	facts.paused = pacer_.clock().paused();
	facts.gaps = stream_.gaps();
	facts.pattern = screen_->pattern();
	return status_.draw(term::getWindowSize(output_.fd()), screen_->screen(), facts, now);
}

std::string Player::reachedText() const
{
	auto reached = stream_.reached();
	if (awaitingIndex_)
		reached = std::max(reached, index_->reached()); // it is there first
	std::string text = formatSeconds(reached);
	if (options_.duration)
		text += " of " + formatSeconds(*options_.duration);
	return text;
}

} // namespace tlog::play
