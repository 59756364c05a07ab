// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/asciicast_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include <poll.h>

#include "tlog/base/error.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/json/escape.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::source {

namespace {

using json::JsonRef;
using json::JsonType;

// Event times past this many seconds (about 31 years) are taken as
// damage rather than a recording.
constexpr double kMaxTime = 1e9;

[[noreturn]] void fail(const std::string &location, const std::string &what)
{
	throw base::FormatError(location + ": " + what);
}

bool isNumber(const JsonRef &value) noexcept
{
	return value.type() == JsonType::Int || value.type() == JsonType::Double;
}

// "COLSxROWS" with both in 1..65535, as asciicast's "r" events and tlog's
// window records have them.
bool parseSize(std::string_view text, std::uint32_t &cols, std::uint32_t &rows) noexcept
{
	auto x = text.find('x');
	if (x == std::string_view::npos)
		return false;
	auto number = [](std::string_view digits, std::uint32_t &out) {
		auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
		return ec == std::errc() && end == digits.data() + digits.size() &&
		       !digits.empty() && digits[0] != '+' && out >= 1 && out <= 65535;
	};
	return number(text.substr(0, x), cols) && number(text.substr(x + 1), rows);
}

// An integer field of @p object (@p what: "asciicast header") in 1..65535.
std::uint32_t dimension(const JsonRef &object, const char *field, const std::string &location,
			const std::string &what)
{
	auto value = object.member(field);
	if (!value)
		fail(location, what + " has no \"" + field + "\"");
	if (value->type() != JsonType::Int || value->asInt() < 1 || value->asInt() > 65535)
		fail(location, what + ": \"" + field +
				   "\" must be an integer from 1 to 65535, not " +
				   value->toString());
	return static_cast<std::uint32_t>(value->asInt());
}

std::string formatMs(std::uint64_t ms)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%llu.%03llu", static_cast<unsigned long long>(ms / 1000),
		      static_cast<unsigned long long>(ms % 1000));
	return buf;
}

// Milliseconds, rounded, of @p us.
std::uint64_t roundMs(std::uint64_t us) noexcept
{
	return (us + 500) / 1000;
}

bool isSpace(char c) noexcept
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skipSpace(std::string_view text, std::size_t i) noexcept
{
	while (i < text.size() && isSpace(text[i]))
		i++;
	return i;
}

// Just past the JSON string that starts at text[i] ('"'), or npos when the
// text ends inside it.
std::size_t stringEnd(std::string_view text, std::size_t i) noexcept
{
	for (i++; i < text.size(); i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return std::string_view::npos;
}

// Just past the JSON value that starts at text[i], found by its strings
// and brackets alone (JsonRef::parse() checks the rest), or npos when the
// text ends inside it or a bracket closes what it did not open. Splits a
// v1 object without json-c holding all of its frames at once (about 40
// times the text's size).
std::size_t valueEnd(std::string_view text, std::size_t i)
{
	constexpr auto npos = std::string_view::npos;
	if (i >= text.size())
		return npos;
	if (text[i] == '"')
		return stringEnd(text, i);
	if (text[i] != '{' && text[i] != '[') {
		// A number or a literal.
		std::size_t end = i;
		while (end < text.size() &&
		       (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
			text[end] == '-' || text[end] == '+' || text[end] == '.'))
			end++;
		return end == i ? npos : end;
	}
	std::string open; // the brackets not closed yet
	for (; i < text.size(); i++) {
		char c = text[i];
		if (c == '"') {
			i = stringEnd(text, i);
			if (i == npos)
				return npos;
			i--;
		} else if (c == '{' || c == '[') {
			open += c;
		} else if (c == '}' || c == ']') {
			if (open.empty() || open.back() != (c == '}' ? '{' : '['))
				return npos;
			open.pop_back();
			if (open.empty())
				return i + 1;
		}
	}
	return npos;
}

// "S seconds" of an upper bound, for messages.
std::string seconds(double value)
{
	char buf[48];
	std::snprintf(buf, sizeof(buf), "%.0f seconds", value);
	return buf;
}

// The line number at the end of a "PATH:LINE" location.
std::uint64_t lineOf(const std::string &location) noexcept
{
	std::uint64_t line = 0;
	auto colon = location.rfind(':');
	if (colon != std::string::npos)
		std::from_chars(location.data() + colon + 1, location.data() + location.size(),
				line);
	return line;
}

} // namespace

AsciicastReader::AsciicastReader(std::string path, std::size_t maxLine)
    : lines_(path, false, maxLine), maxLine_(maxLine)
{
	// The file's name is the recording's id: asciicast has none, and
	// it is what a user would give to -m.
	rec_ = path == "-" ? std::string("stdin") : std::filesystem::path(path).filename().string();
}

bool AsciicastReader::readHeader()
{
	while (!headerDone_) {
		auto line = lines_.read();
		if (!line) {
			if (!lines_.finished())
				return false; // a pipe with nothing more yet
			if (headerText_.empty())
				fail(lines_.name(), "empty, no asciicast header");
			fail(
			    headerWhere_,
			    "the JSON object that starts here is cut short by the end of the file");
		}
		addHeaderLine(*line);
	}
	return true;
}

void AsciicastReader::addHeaderLine(const RawMessage &line)
{
	std::uint64_t number = lineOf(line.location);
	if (headerText_.empty()) {
		auto first = line.text.find_first_not_of(" \t\r");
		if (first == std::string::npos || line.text[first] != '{')
			fail(line.location,
			     "not an asciicast header: the file must start with a JSON object");
		headerWhere_ = line.location;
		firstLine_ = number;
	} else {
		// A v1 object over many lines: the blank lines FdReader skipped
		// come back as newlines, so that an offset tells its line.
		std::uint64_t newlines = number > lastLine_ ? number - lastLine_ : 1;
		if (headerText_.size() + newlines + line.text.size() > maxLine_)
			fail(line.location,
			     "the JSON object that starts on line " + std::to_string(firstLine_) +
				 " is longer than " + std::to_string(maxLine_) +
				 " bytes (an asciicast v1 file is read whole, up to that)");
		headerText_.append(static_cast<std::size_t>(newlines), '\n');
	}
	lastLine_ = number;
	headerText_ += line.text;

	// Where the object ends: its brackets counted outside strings, from
	// where the last line left off.
	for (; scanPos_ < headerText_.size(); scanPos_++) {
		char c = headerText_[scanPos_];
		if (scanInString_) {
			if (scanEscape_)
				scanEscape_ = false;
			else if (c == '\\')
				scanEscape_ = true;
			else if (c == '"')
				scanInString_ = false;
		} else if (c == '"') {
			scanInString_ = true;
		} else if (c == '{' || c == '[') {
			scanDepth_++;
		} else if ((c == '}' || c == ']') && --scanDepth_ == 0) {
			std::size_t end = scanPos_ + 1;
			if (skipSpace(headerText_, end) != headerText_.size())
				fail(line.location, "text after the header's JSON object");
			parseHeader(end);
			return;
		}
	}
}

std::string AsciicastReader::headerLocation(std::size_t offset) const
{
	auto end = headerText_.begin() + static_cast<std::ptrdiff_t>(offset);
	return lines_.name() + ":" +
	       std::to_string(firstLine_ + static_cast<std::uint64_t>(
					       std::count(headerText_.begin(), end, '\n')));
}

void AsciicastReader::parseHeader(std::size_t end)
{
	const std::string &where = headerWhere_;
	std::string_view text(headerText_.data(), end);
	auto bad = [&](std::size_t at, const std::string &what) {
		fail(headerLocation(std::min(at, end)),
		     "not an asciicast header (invalid JSON: " + what + ")");
	};
	// The members, split by hand: all but "stdout" (v1's frames) are
	// parsed as one object, the frames one by one later.
	std::string fields = "{";
	std::optional<std::pair<std::size_t, std::size_t>> frames;
	std::size_t i = skipSpace(text, text.find('{') + 1);
	if (i < end && text[i] == '}')
		i = end;
	while (i < end) {
		if (text[i] != '"')
			bad(i, "expected a member name");
		std::size_t keyEnd = stringEnd(text, i);
		if (keyEnd == std::string_view::npos)
			bad(i, "a member name is not closed");
		std::string key;
		try {
			key = std::string(JsonRef::parse(text.substr(i, keyEnd - i)).asString());
		} catch (const std::system_error &e) {
			bad(i, e.what());
		}
		std::size_t colon = skipSpace(text, keyEnd);
		if (colon >= end || text[colon] != ':')
			bad(colon, "expected ':' after a member name");
		std::size_t value = skipSpace(text, colon + 1);
		std::size_t valueStop = valueEnd(text, value);
		if (valueStop == std::string_view::npos)
			bad(value, "a value is cut short or its brackets do not match");
		if (key == "stdout") {
			frames = std::make_pair(value, valueStop);
		} else {
			if (fields.size() > 1)
				fields += ',';
			fields.append(text.substr(i, valueStop - i));
		}
		i = skipSpace(text, valueStop);
		if (i < end && text[i] == ',')
			i = skipSpace(text, i + 1);
		else if (i < end && text[i] == '}')
			break;
		else
			bad(i, "expected ',' or '}' after a member");
	}
	fields += '}';
	JsonRef header;
	try {
		header = JsonRef::parse(fields);
	} catch (const std::system_error &e) {
		fail(where,
		     std::string("not an asciicast header (invalid JSON: ") + e.what() + ")");
	}

	auto version = header.member("version");
	if (!version)
		fail(where, "not an asciicast header: no \"version\"");
	if (version->type() != JsonType::Int || version->asInt() < 1 || version->asInt() > 3)
		fail(where, "asciicast version " + version->toString() +
				" is not supported (this reads versions 1, 2 and 3)");
	version_ = static_cast<int>(version->asInt());
	if (version_ != 1 && lastLine_ != firstLine_)
		fail(where, "an asciicast v" + std::to_string(version_) +
				" header must be one line (this one ends on line " +
				std::to_string(lastLine_) + ")");
	if (version_ == 1 && (!frames || text[frames->first] != '['))
		fail(where, "asciicast v1 needs a \"stdout\" array of frames");

	if (version_ == 3) {
		auto term = header.member("term");
		if (!term)
			fail(where, "asciicast v3 header has no \"term\"");
		if (term->type() != JsonType::Object)
			fail(where, "asciicast header: \"term\" must be an object, not " +
					term->toString());
		cols_ = dimension(*term, "cols", where, "asciicast header: \"term\"");
		rows_ = dimension(*term, "rows", where, "asciicast header: \"term\"");
		if (auto type = term->member("type"); type && !type->isNull()) {
			if (type->type() != JsonType::String ||
			    !base::utf8::isValid(type->asString()))
				fail(where, "asciicast header: \"term\": \"type\" must be a UTF-8 "
					    "string, not " +
						type->toString());
			term_ = std::string(type->asString());
		}
	} else {
		cols_ = dimension(header, "width", where, "asciicast header");
		rows_ = dimension(header, "height", where, "asciicast header");
	}
	if (auto timestamp = header.member("timestamp"); timestamp && !timestamp->isNull()) {
		double t = timestamp->asDouble();
		if (!isNumber(*timestamp) || !std::isfinite(t) || t < 0 || t > 1e12)
			fail(where, "asciicast header: \"timestamp\" must be Unix seconds, not " +
					timestamp->toString());
		startMs_ = std::llround(t * 1000);
	}
	if (auto env = header.member("env"); env && !env->isNull()) {
		if (env->type() != JsonType::Object)
			fail(where, "asciicast header: \"env\" must be an object");
		if (auto term = env->member("TERM"); term && !term->isNull()) {
			if (term->type() != JsonType::String ||
			    !base::utf8::isValid(term->asString()))
				fail(where,
				     "asciicast header: \"env\": \"TERM\" must be a UTF-8 string");
			if (term_.empty())
				term_ = std::string(term->asString());
		}
	}
	// v1 has no idle_time_limit (asciinema ignores one there too).
	if (auto limit = header.member("idle_time_limit");
	    version_ != 1 && limit && !limit->isNull()) {
		double s = limit->asDouble();
		if (!isNumber(*limit) || !std::isfinite(s) || s < 0 || s > kMaxTime)
			fail(where, "asciicast header: \"idle_time_limit\" must be a number of "
				    "seconds from 0, not " +
					limit->toString());
		// 0 keeps every pause, as --idle-limit=0 does.
		if (auto us = std::llround(s * 1e6); us > 0)
			idleLimit_ = std::chrono::microseconds(us);
	}

	headerDone_ = true;
	if (version_ == 1) {
		framesDone_ = false;
		framePos_ = 0;
		frameLine_ = firstLine_;
		advanceFrames(frames->first + 1);
		framesEnd_ = frames->second - 1;
	} else {
		std::string().swap(headerText_);
	}
	// The recording starts with the header's size at 0, as tlog-rec's
	// first message does.
	open(0, where);
}

std::optional<std::chrono::microseconds> AsciicastReader::idleLimit()
{
	while (!readHeader()) {
		// A pipe that has not given the header yet.
		pollfd p{lines_.waitFd(), POLLIN, 0};
		if (p.fd < 0)
			break;
		if (::poll(&p, 1, -1) < 0 && errno != EINTR)
			base::throwErrno("waiting for " + lines_.name());
		lines_.onWaitFdReady();
	}
	return idleLimit_;
}

void AsciicastReader::advanceFrames(std::size_t to) noexcept
{
	frameLine_ += static_cast<std::uint64_t>(
	    std::count(headerText_.begin() + static_cast<std::ptrdiff_t>(framePos_),
		       headerText_.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
	framePos_ = to;
}

bool AsciicastReader::parseFrame()
{
	std::string_view text(headerText_.data(), framesEnd_ + 1);
	auto where = [&] { return lines_.name() + ":" + std::to_string(frameLine_); };
	advanceFrames(skipSpace(text, framePos_));
	if (afterFrame_ && framePos_ < framesEnd_) {
		if (text[framePos_] != ',')
			fail(where(), "expected ',' or ']' after a frame");
		afterFrame_ = false;
		needFrame_ = true;
		advanceFrames(skipSpace(text, framePos_ + 1));
	}
	if (framePos_ >= framesEnd_) {
		if (needFrame_)
			fail(where(), "a frame must follow ','");
		framesDone_ = true;
		std::string().swap(headerText_);
		return false;
	}
	std::string location = where();
	std::size_t stop = valueEnd(text, framePos_);
	if (stop == std::string_view::npos || stop > framesEnd_)
		fail(location, "invalid JSON in \"stdout\"");
	JsonRef frame;
	try {
		frame = JsonRef::parse(text.substr(framePos_, stop - framePos_));
	} catch (const std::system_error &e) {
		fail(location, std::string("invalid JSON: ") + e.what());
	}
	advanceFrames(stop);
	afterFrame_ = true;
	needFrame_ = false;

	if (frame.type() != JsonType::Array || frame.arrayLength() != 2)
		fail(location, "an asciicast v1 frame must be an array [delay, data]");
	auto delay = frame.at(0), data = frame.at(1);
	if (!isNumber(delay) || !std::isfinite(delay.asDouble()) || delay.asDouble() < 0 ||
	    delay.asDouble() > kMaxTime)
		fail(location,
		     "frame delay must be a number of seconds from 0, not " + delay.toString());
	if (data.type() != JsonType::String)
		fail(location, "frame data must be a string, not " + data.toString());
	elapsedUs_ += static_cast<std::uint64_t>(std::llround(delay.asDouble() * 1e6));
	if (static_cast<double>(elapsedUs_) > kMaxTime * 1e6)
		fail(location, "the recording runs past " + seconds(kMaxTime));
	if (!base::utf8::isValid(data.asString()))
		fail(location, "frame data is not valid UTF-8");
	addEvent(roundMs(elapsedUs_), 'o', data.asString(), location);
	return true;
}

void AsciicastReader::parseEvent(const RawMessage &line)
{
	const std::string &where = line.location;
	const char *timeName = version_ == 3 ? "interval" : "time";
	JsonRef event;
	try {
		event = JsonRef::parse(line.text);
	} catch (const std::system_error &e) {
		fail(where, std::string("invalid JSON: ") + e.what());
	}
	if (event.type() != JsonType::Array || event.arrayLength() != 3)
		fail(where, std::string("an asciicast event must be an array [") + timeName +
				", code, data]");
	auto time = event.at(0), code = event.at(1), data = event.at(2);
	if (!isNumber(time) || !std::isfinite(time.asDouble()) || time.asDouble() < 0 ||
	    time.asDouble() > kMaxTime)
		fail(where, std::string("event ") + timeName +
				" must be a number of seconds from 0, not " + time.toString());
	if (code.type() != JsonType::String)
		fail(where, "event code must be a string, not " + code.toString());
	if (data.type() != JsonType::String)
		fail(where, "event data must be a string, not " + data.toString());
	std::uint64_t ms;
	if (version_ == 3) {
		elapsedUs_ += static_cast<std::uint64_t>(std::llround(time.asDouble() * 1e6));
		if (static_cast<double>(elapsedUs_) > kMaxTime * 1e6)
			fail(where, "the recording runs past " + seconds(kMaxTime));
		ms = roundMs(elapsedUs_);
	} else {
		double t = time.asDouble();
		if (t < lastTime_)
			fail(where, "event time " + time.toString() +
					" goes back from the previous event's " +
					JsonRef::makeDouble(lastTime_).toString());
		lastTime_ = t;
		ms = static_cast<std::uint64_t>(std::llround(t * 1000));
	}

	std::string_view kind = code.asString();
	if (kind == "m")
		return; // a marker: nothing tlog can hold
	if (kind != "o" && kind != "i" && kind != "r") {
		if (version_ == 2)
			fail(where, "unknown event code " + code.toString() +
					" (expected \"o\", \"i\", \"r\" or \"m\")");
		// v3: "x" (the exit status, which tlog does not record) and
		// codes of later versions, which a player is to skip.
		if (kind.empty())
			fail(where, "event code must not be empty");
		return;
	}
	if (!base::utf8::isValid(data.asString()))
		fail(where, "event data is not valid UTF-8");
	addEvent(ms, kind[0], data.asString(), where);
}

void AsciicastReader::addEvent(std::uint64_t ms, char kind, std::string_view text,
			       const std::string &location)
{
	if (kind == 'r') {
		if (!parseSize(text, cols_, rows_))
			fail(location,
			     "a resize event needs \"COLSxROWS\" (1 to 65535 each), not " +
				 JsonRef::makeString(text).toString());
		if (!open_)
			open(ms, location); // which writes the new size first
		else
			addRecord(ms, "=" + std::to_string(cols_) + "x" + std::to_string(rows_),
				  location);
		return;
	}
	if (text.empty())
		return;
	auto &txt = kind == 'o' ? outTxt_ : inTxt_;
	addRecord(ms, (kind == 'o' ? ">" : "<") + std::to_string(base::utf8::countChars(text)),
		  location);
	json::appendEscaped(txt, text);
}

void AsciicastReader::open(std::uint64_t ms, const std::string &location)
{
	open_ = true;
	pos_ = lastMs_ = ms;
	location_ = location;
	timing_ = "=" + std::to_string(cols_) + "x" + std::to_string(rows_);
	inTxt_.clear();
	outTxt_.clear();
}

void AsciicastReader::addRecord(std::uint64_t ms, const std::string &record,
				const std::string &location)
{
	if (!open_)
		open(ms, location);
	if (ms > lastMs_)
		timing_ += "+" + std::to_string(ms - lastMs_);
	lastMs_ = ms;
	timing_ += record;
}

bool AsciicastReader::full() const noexcept
{
	return timing_.size() + inTxt_.size() + outTxt_.size() >= kCastPayload;
}

RawMessage AsciicastReader::close()
{
	open_ = false;
	std::string m = R"({"ver":"2.3","host":"","rec":")";
	json::appendEscaped(m, rec_);
	m += R"(","user":"","term":")";
	json::appendEscaped(m, term_);
	m += R"(","session":4294967295,"id":)" + std::to_string(++id_) +
	     ",\"pos\":" + std::to_string(pos_);
	if (startMs_)
		m += ",\"time\":" + formatMs(static_cast<std::uint64_t>(*startMs_) + pos_);
	m += ",\"timing\":\"" + timing_ + R"(","in_txt":")" + inTxt_ +
	     R"(","in_bin":[],"out_txt":")" + outTxt_ + R"(","out_bin":[]})";
	return RawMessage{std::move(m), location_, {}, false};
}

std::optional<RawMessage> AsciicastReader::read()
{
	for (;;) {
		if (open_ && full())
			return close();
		if (!headerDone_) {
			if (!readHeader())
				return std::nullopt;
			continue;
		}
		if (!framesDone_) {
			parseFrame();
			continue;
		}
		auto line = lines_.read();
		if (!line) {
			// At the end, or nothing more yet from a pipe: hand
			// over what was gathered.
			if (open_)
				return close();
			return std::nullopt;
		}
		if (version_ == 1)
			fail(line->location, "text after the asciicast v1 object");
		if (version_ == 3 && line->text.front() == '#')
			continue; // a comment
		parseEvent(*line);
	}
}

std::unique_ptr<Reader> makeAsciicastReader(const ReaderSpec &spec)
{
	if (spec.path.empty())
		throw base::ConfigError("the asciicast reader needs a file: give -i/--file-path "
					"(or file.path), \"-\" for standard input");
	if (spec.follow)
		throw base::ConfigError("the asciicast reader cannot follow a file");
	return std::make_unique<AsciicastReader>(spec.path);
}

} // namespace tlog::source
