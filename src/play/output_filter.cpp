// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/output_filter.hpp"

#include <algorithm>
#include <array>

#include "tlog/screen/virtual_screen.hpp"

namespace tlog::play {

namespace {

constexpr unsigned char kEsc = 0x1b;
constexpr std::string_view kReplacement = "\xef\xbf\xbd"; // U+FFFD

// DEC private modes that only change what the terminal sends (keys, mouse,
// focus, paste, reports of its own): never passed, and with raw output
// put back at the end. Index i is bit i of inputModes_. They are the
// cursor keys (1), autorepeat (8, on by default), X10 mouse (9), the
// keypad (66), backarrow (67), the mouse (1000-1003, 1005, 1006, 1015,
// 1016), focus (1004), the wheel on the alternate screen (1007), the meta,
// num lock, delete and alt keys (1034-1037, 1039), the function key modes
// (1050-1053, 1060, 1061), bracketed paste (2004) and the palette and
// window size reports (2031, 2048).
constexpr std::array<int, 29> kInputModes = {
    1,	  8,	9,    66,   67,	  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1015, 1016,
    1034, 1035, 1036, 1037, 1039, 1050, 1051, 1052, 1053, 1060, 1061, 2004, 2031, 2048};
static_assert(kInputModes.size() == 29, "matches OutputFilter::kInputModeCount");

int inputModeIndex(int mode) noexcept
{
	auto it = std::find(kInputModes.begin(), kInputModes.end(), mode);
	return it == kInputModes.end() ? -1 : static_cast<int>(it - kInputModes.begin());
}

// DEC private modes that act outside the screen: the Tektronix window,
// logging to a file, the selection and clipboard, the bell's urgency and
// raising the window.
bool isOutsideMode(int mode) noexcept
{
	return mode == 38 || mode == 46 || (mode >= 1040 && mode <= 1044);
}

// The parts of a CSI sequence ("ESC [" leader? params intermediates final).
struct Csi {
	char leader = 0; // '<', '=', '>' or '?'
	std::string_view params;
	std::string_view intermediates;
	char final = 0;
};

Csi parseCsi(std::string_view seq) noexcept
{
	Csi csi;
	csi.final = seq.back();
	std::string_view body = seq.substr(2, seq.size() - 3);
	if (!body.empty() && body[0] >= 0x3c && body[0] <= 0x3f) {
		csi.leader = body[0];
		body.remove_prefix(1);
	}
	std::size_t n = 0;
	while (n < body.size() && static_cast<unsigned char>(body[n]) >= 0x30)
		n++;
	csi.params = body.substr(0, n);
	csi.intermediates = body.substr(n);
	return csi;
}

// A parameter as a number; -1 for an empty, overlong or compound one.
int paramNumber(std::string_view param) noexcept
{
	if (param.empty() || param.size() > 5)
		return -1;
	int n = 0;
	for (char c : param) {
		if (c < '0' || c > '9')
			return -1;
		n = n * 10 + (c - '0');
	}
	return n;
}

// Calls @p fn with each ';'-separated parameter.
template <typename Fn> void forEachParam(std::string_view params, Fn fn)
{
	for (;;) {
		auto semi = params.find(';');
		fn(params.substr(0, semi));
		if (semi == std::string_view::npos)
			return;
		params.remove_prefix(semi + 1);
	}
}

// Whether a mode sequence's parameter is kept: not one of the input or
// outside modes (DEC private), nor KAM or SRM (ANSI).
bool modeKept(bool dec, std::string_view param) noexcept
{
	int n = paramNumber(param);
	if (dec)
		return inputModeIndex(n) < 0 && !isOutsideMode(n);
	return n != 2 && n != 12;
}

// A mode sequence (SM, RM, XTSAVE, XTRESTORE) without its input and
// outside modes: @p seq itself, the kept modes only, or nothing (empty).
std::string keptModes(std::string_view seq, const Csi &csi)
{
	bool dec = csi.leader == '?';
	std::string kept;
	bool dropped = false;
	forEachParam(csi.params, [&](std::string_view param) {
		if (!modeKept(dec, param)) {
			dropped = true;
			return;
		}
		if (!kept.empty())
			kept += ';';
		kept.append(param);
	});
	if (!dropped)
		return std::string(seq);
	if (kept.empty())
		return {};
	return std::string("\x1b[") + (dec ? "?" : "") + kept + csi.final;
}

// What of a complete CSI sequence may reach the terminal: the sequence,
// the sequence with some modes taken out, or nothing (empty). Only what
// is known to draw or move on the screen is kept: a terminal answers
// many of the others (DA, DSR, DECRQM, XTVERSION, DECREQTPARM, checksums,
// the kitty keyboard and XTMODKEYS queries), or acts outside the screen
// with them (window operations, the printer, keyboard LEDs, the pointer).
std::string judgeCsi(std::string_view seq)
{
	Csi csi = parseCsi(seq);
	const char f = csi.final;
	if (csi.intermediates.empty()) {
		switch (csi.leader) {
		case 0:
			// ECMA-48's editing and cursor functions, SGR, REP, the
			// modes, DECSTBM, DECSLRM/SCOSC and SCORC.
			if (f == 'h' || f == 'l')
				return keptModes(seq, csi);
			if (std::string_view("@ABCDEFGHIJKLMNOPSTUVWXYZ`abdefgjkmrsu").find(f) !=
			    std::string_view::npos)
				return std::string(seq);
			return {};
		case '?':
			if (f == 'h' || f == 'l' || f == 's' ||
			    f == 'r') // modes, XTSAVE, XTRESTORE
				return keptModes(seq, csi);
			if (f == 'J' || f == 'K' || f == 'W') // DECSED, DECSEL, DECST8C
				return std::string(seq);
			return {};
		default: // '<', '=', '>': queries and keyboard settings
			return {};
		}
	}
	if (csi.leader != 0 || csi.intermediates.size() != 1)
		return {};
	// Cursor style (DECSCUSR), shifts (SL, SR), soft reset (DECSTR),
	// conformance level and protection (DECSCL, DECSCA), rectangular
	// areas (DECCARA, DECRARA, DECCRA, DECFRA, DECERA, DECSERA, DECSACE),
	// columns (DECIC, DECDC), the SGR stack (XTPUSHSGR, XTPOPSGR).
	static constexpr std::string_view kKept[] = {" q", " @", " A", "!p", "\"p", "\"q", "$r",
						     "$t", "$v", "$x", "$z", "${",  "*x",  "'}",
						     "'~", "#{", "#}", "#p", "#q"};
	std::string tail{csi.intermediates[0], f};
	for (auto kept : kKept)
		if (tail == kept)
			return std::string(seq);
	return {};
}

// Whether an ESC sequence (ESC intermediates final; not CSI or a string)
// may reach the terminal.
bool escapeKept(std::string_view seq) noexcept
{
	if (seq.size() == 2) {
		switch (seq[1]) {
		case 'Z':  // DECID: answered as DA
		case '=':  // DECKPAM, application keypad
		case '>':  // DECKPNM
		case 'k':  // screen's and tmux's window name (the text after shows)
		case '\\': // ST with no string to end
			return false;
		default:
			return true;
		}
	}
	// Character sets (and ESC # for line sizes and DECALN); not the
	// 7/8-bit controls of answers (ESC SP), or leaving UTF-8 (ESC %).
	return std::string_view("()*+-./#$").find(seq[1]) != std::string_view::npos;
}

} // namespace

void OutputFilter::feed(std::string_view data, std::string &out)
{
	if (raw_) {
		out.append(data);
		for (char c : data)
			step(recorded_, static_cast<unsigned char>(c), nullptr);
		return;
	}
	out.reserve(out.size() + data.size());
	for (char c : data)
		step(recorded_, static_cast<unsigned char>(c), &out);
}

void OutputFilter::note(std::string_view own)
{
	Parser parser;
	for (char c : own)
		step(parser, static_cast<unsigned char>(c), nullptr);
}

void OutputFilter::cut() noexcept
{
	recorded_.state = State::Ground;
	recorded_.seq.clear();
	recorded_.afterC2 = false;
}

void OutputFilter::put(Parser &parser, unsigned char c, std::string *out)
{
	if (c == 0x0e || c == 0x0f) // SO, SI
		changed_.plain = true;
	if (out == nullptr)
		return;
	// A lone 0xc2 already sent and this byte would make an encoded C1
	// control of it, once a sequence between them was dropped.
	if (parser.afterC2 && c >= 0x80 && c <= 0x9f)
		out->append(kReplacement);
	else
		out->push_back(static_cast<char>(c));
	parser.afterC2 = c == 0xc2;
}

void OutputFilter::step(Parser &p, unsigned char c, std::string *out)
{
	switch (p.state) {
	case State::Ground:
		if (c == kEsc) {
			p.seq.assign(1, static_cast<char>(kEsc));
			p.state = State::Escape;
		} else if (c == 0xc2 && out != nullptr) {
			p.state = State::Utf8Lead;
		} else {
			put(p, c, out);
		}
		return;
	case State::Utf8Lead:
		p.state = State::Ground;
		if (c >= 0x80 && c <= 0x9f) {
			// U+0080-U+009F: a C1 control (CSI, OSC, DCS...) to a
			// terminal that decodes UTF-8 first.
			out->append(kReplacement);
			p.afterC2 = false;
			return;
		}
		put(p, 0xc2, out);
		step(p, c, out);
		return;
	case State::String:
		if (c == 0x07) { // BEL
			p.state = State::Ground;
		} else if (c == kEsc) {
			p.state = State::StringEscape;
		} else if (c == 0x18 || c == 0x1a) { // CAN, SUB
			p.state = State::Ground;
			put(p, c, out);
		}
		return;
	case State::StringEscape:
		if (c == '\\') { // ST
			p.state = State::Ground;
			return;
		}
		// ESC ends the string and starts a sequence.
		p.seq.assign(1, static_cast<char>(kEsc));
		p.state = State::Escape;
		step(p, c, out);
		return;
	default:
		break;
	}

	// Inside an escape or control sequence.
	if (c == 0x18 || c == 0x1a) { // CAN, SUB: the sequence is cancelled
		p.seq.clear();
		p.state = State::Ground;
		put(p, c, out);
		return;
	}
	if (c == kEsc) { // a new sequence instead
		p.seq.assign(1, static_cast<char>(kEsc));
		p.state = State::Escape;
		return;
	}
	if (c < 0x20) { // carried out in the middle, as terminals do
		put(p, c, out);
		return;
	}
	if (c == 0x7f) // DEL: ignored inside
		return;
	switch (p.state) {
	case State::Escape:
		if (c >= 0x80) {
			// Not a sequence: the ESC goes (some parsers read ESC and
			// a Latin-1 character as ESC and its 7-bit twin).
			p.seq.clear();
			p.state = State::Ground;
			step(p, c, out);
		} else if (c < 0x30) { // an intermediate
			if (p.seq.size() >= kMaxSequence) {
				p.seq.clear();
				p.state = State::EscapeIgnore;
			} else {
				p.seq += static_cast<char>(c);
			}
		} else {
			onEscape(p, c, out);
		}
		return;
	case State::EscapeIgnore:
		if (c >= 0x30 && c < 0x7f)
			p.state = State::Ground;
		return;
	case State::Csi: {
		unsigned char last = static_cast<unsigned char>(p.seq.back());
		bool afterIntermediate = p.seq.size() > 2 && last >= 0x20 && last < 0x30;
		bool broken = c >= 0x80 || p.seq.size() >= kMaxSequence ||
			      // parameters after an intermediate, a private marker
			      // after the first byte
			      (c >= 0x30 && c < 0x40 && afterIntermediate) ||
			      (c >= 0x3c && c < 0x40 && p.seq.size() > 2);
		if (broken) {
			p.seq.clear();
			p.state = State::CsiIgnore;
			return;
		}
		p.seq += static_cast<char>(c);
		if (c >= 0x40)
			onCsi(p, out);
		return;
	}
	case State::CsiIgnore:
		if (c >= 0x40 && c < 0x7f)
			p.state = State::Ground;
		return;
	default:
		return;
	}
}

void OutputFilter::onEscape(Parser &p, unsigned char final, std::string *out)
{
	p.state = State::Ground;
	// As libvterm (and so the player's screen) takes them, also after
	// intermediates: a CSI, or a string (OSC, DCS, SOS, PM, APC).
	if (final == '[') {
		p.seq.assign("\x1b[");
		p.state = State::Csi;
		return;
	}
	if (final == ']' || final == 'P' || final == 'X' || final == '^' || final == '_') {
		p.seq.clear();
		p.state = State::String;
		return;
	}
	p.seq += static_cast<char>(final);
	if (out == nullptr || escapeKept(p.seq)) {
		trackEscape(p.seq);
		if (out != nullptr) {
			out->append(p.seq);
			p.afterC2 = false;
		}
	}
	p.seq.clear();
}

void OutputFilter::onCsi(Parser &p, std::string *out)
{
	p.state = State::Ground;
	std::string seq = std::move(p.seq);
	p.seq.clear();
	if (out == nullptr) {
		trackCsi(seq);
		return;
	}
	std::string kept = judgeCsi(seq);
	if (kept.empty())
		return;
	trackCsi(kept);
	out->append(kept);
	p.afterC2 = false;
}

void OutputFilter::trackEscape(std::string_view seq) noexcept
{
	if (seq.size() == 2) {
		switch (seq[1]) {
		case '=':
			changed_.keypad = true;
			break;
		case 'n': // LS2, LS3, LS1R, LS2R, LS3R
		case 'o':
		case '|':
		case '}':
		case '~':
			changed_.plain = true;
			break;
		default:
			break;
		}
		return;
	}
	if (std::string_view("()*+-./$").find(seq[1]) != std::string_view::npos)
		changed_.plain = true; // a character set designated
}

void OutputFilter::trackCsi(std::string_view seq) noexcept
{
	Csi csi = parseCsi(seq);
	if (!csi.intermediates.empty()) {
		if (csi.intermediates == " " && csi.final == 'q')
			changed_.cursorStyle = true;
		return;
	}
	switch (csi.final) {
	case 'm':
		if (csi.leader == 0)
			changed_.pen = true;
		else if (csi.leader == '>')
			changed_.modifyKeys = true;
		break;
	case 'r':
		if (csi.leader == 0)
			changed_.region = true;
		break;
	case 'u':
		// kitty keyboard: pushes and pops of its flags.
		if (csi.leader == '>') {
			kittyPushes_ = std::min(kittyPushes_ + 1, 4096);
		} else if (csi.leader == '<') {
			int n = paramNumber(csi.params);
			kittyPushes_ = std::max(kittyPushes_ - std::max(n, 1), 0);
		}
		break;
	case 'h':
	case 'l':
		if (csi.leader == 0 || csi.leader == '?')
			forEachParam(csi.params, [&](std::string_view param) {
				trackMode(csi.leader == '?', paramNumber(param), csi.final == 'h');
			});
		break;
	default:
		break;
	}
}

void OutputFilter::trackMode(bool dec, int mode, bool set) noexcept
{
	if (!dec) {
		if (mode == 4 && set)
			changed_.plain = true; // IRM
		else if (mode == 20 && set)
			changed_.newline = true;
		else if (mode == 2 && set)
			changed_.keyboardLock = true;
		else if (mode == 12 && !set)
			changed_.localEcho = true;
		return;
	}
	switch (mode) {
	case 25:
		changed_.cursorHidden = changed_.cursorHidden || !set;
		return;
	case 6: // DECOM
		changed_.plain = changed_.plain || set;
		return;
	case 7: // DECAWM
		changed_.plain = changed_.plain || !set;
		return;
	case 5:
		changed_.reverse = changed_.reverse || set;
		return;
	case 69:
		changed_.margins = changed_.margins || set;
		return;
	case 2026:
		changed_.synchronized = changed_.synchronized || set;
		return;
	default:
		break;
	}
	if (int i = inputModeIndex(mode); i >= 0)
		inputModes_[static_cast<std::size_t>(i)] = set != (mode == 8);
}

std::string OutputFilter::restore() const
{
	// The alternate screen stays: what the recording last showed is left
	// on the terminal, as the reference player leaves it.
	std::string out;
	if (changed_.pen)
		out += "\x1b[0m";
	if (changed_.plain)
		out += screen::VirtualScreen::plainModes();
	if (changed_.margins)
		out += "\x1b[?69l";
	if (changed_.region)
		// DECSC, DECSTBM, DECRC: the cursor stays where it is.
		out += "\0337\x1b[r\0338";
	if (changed_.newline)
		out += "\x1b[20l";
	if (changed_.reverse)
		out += "\x1b[?5l";
	if (changed_.cursorHidden)
		out += "\x1b[?25h";
	if (changed_.cursorStyle)
		out += "\x1b[0 q";
	if (changed_.synchronized)
		out += "\x1b[?2026l";
	// What only raw output lets through.
	for (std::size_t i = 0; i < kInputModes.size(); i++)
		if (inputModes_[i])
			out += "\x1b[?" + std::to_string(kInputModes[i]) +
			       (kInputModes[i] == 8 ? "h" : "l");
	if (changed_.keypad)
		out += "\x1b>";
	if (changed_.modifyKeys)
		out += "\x1b[>4m";
	if (kittyPushes_ > 0)
		out += "\x1b[<" + std::to_string(kittyPushes_) + "u";
	if (changed_.keyboardLock)
		out += "\x1b[2l";
	if (changed_.localEcho)
		out += "\x1b[12h";
	return out;
}

} // namespace tlog::play
