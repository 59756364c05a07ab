// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/key_map.hpp"

#include "tlog/base/error.hpp"

namespace tlog::play {

void KeyMap::onKey(const term::Key &key, std::vector<Command> &commands)
{
	using Kind = term::Key::Kind;
	if (prompt_) {
		if (key.kind == Kind::Byte) {
			onPromptByte(key.byte, commands);
			return;
		}
		// Escape cancels; so does an arrow, which then moves.
		onPromptByte('\x1b', commands);
	}
	if (key.kind == Kind::Escape)
		return;
	if (key.kind == Kind::Byte) {
		onByte(key.byte, commands);
		return;
	}
	if (!screen_)
		return;
	typed_.clear();
	using std::chrono::seconds;
	base::Timestamp by = key.kind == Kind::Up      ? -seconds(60)
			     : key.kind == Kind::Down  ? seconds(60)
			     : key.kind == Kind::Right ? seconds(5)
						       : -seconds(5);
	commands.push_back(Command{Command::Kind::SeekBy, by});
}

void KeyMap::onByte(char c, std::vector<Command> &commands)
{
	bool typing = (c >= '0' && c <= '9') || c == ':' || (c == '.' && !typed_.empty());
	if (typing) {
		if (typed_.size() < kMaxTyped)
			typed_ += c;
		return;
	}
	std::string typed;
	typed.swap(typed_);
	using K = Command::Kind;
	auto ask = [&commands](K kind) { commands.push_back(Command{kind}); };
	switch (c) {
	case ' ':
	case 'p':
		ask(K::TogglePause);
		break;
	case '}':
		ask(K::Faster);
		break;
	case '{':
		ask(K::Slower);
		break;
	case '\x7f':
	case '\b':
		ask(K::NormalSpeed);
		break;
	case '.':
		ask(K::Step);
		break;
	case ',':
		if (screen_)
			ask(K::StepBack);
		break;
	case 'g':
		if (screen_)
			ask(K::SeekStart);
		break;
	case 's':
		ask(K::ToggleStatus);
		break;
	case '/':
		if (screen_) {
			prompt_.emplace();
			onPromptByte('\0', commands);
		}
		break;
	case 'n':
		ask(K::SearchNext);
		break;
	case 'N':
		ask(K::SearchBack);
		break;
	case 'G':
		try {
			auto position =
			    typed.empty() ? PlayPosition{true, {}} : parsePosition(typed);
			commands.push_back(Command{K::GoTo, {}, position});
		} catch (const base::UsageError &) {
			// A mistyped time does nothing, as a key should.
		}
		break;
	case 'q':
		ask(K::Quit);
		break;
	default:
		break;
	}
}

void KeyMap::onPromptByte(char c, std::vector<Command> &commands)
{
	using K = Command::Kind;
	if (c == '\r' || c == '\n') {
		std::string pattern = std::move(*prompt_);
		prompt_.reset();
		commands.push_back(Command{K::PromptClosed});
		commands.push_back(Command{K::Search, {}, {}, std::move(pattern)});
		return;
	}
	if (c == '\x1b' || c == '\x03') {
		// Cancelled (an arrow key cancels too).
		prompt_.reset();
		commands.push_back(Command{K::PromptClosed});
		return;
	}
	if (c == '\x7f' || c == '\b') {
		if (!prompt_->empty())
			prompt_->pop_back();
	} else if (static_cast<unsigned char>(c) >= 0x20 && prompt_->size() < kMaxPattern) {
		*prompt_ += c;
	}
	commands.push_back(Command{K::PromptShown, {}, {}, *prompt_});
}

} // namespace tlog::play
