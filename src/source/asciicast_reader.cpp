// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/asciicast_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>

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

// An integer field of the header in 1..65535.
std::uint32_t dimension(const JsonRef &header, const char *field, const std::string &location)
{
	auto value = header.member(field);
	if (!value)
		fail(location, std::string("asciicast header has no \"") + field + "\"");
	if (value->type() != JsonType::Int || value->asInt() < 1 || value->asInt() > 65535)
		fail(location, std::string("asciicast header: \"") + field +
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

} // namespace

AsciicastReader::AsciicastReader(std::string path, std::size_t maxLine)
    : lines_(path, false, maxLine)
{
	// The file's name is the recording's id: asciicast has none, and
	// it is what a user would give to -m.
	rec_ = path == "-" ? std::string("stdin") : std::filesystem::path(path).filename().string();
}

void AsciicastReader::parseHeader(const RawMessage &line)
{
	JsonRef header;
	try {
		header = JsonRef::parse(line.text);
	} catch (const std::system_error &e) {
		fail(line.location,
		     std::string("not an asciicast v2 header (invalid JSON: ") + e.what() + ")");
	}
	if (header.type() != JsonType::Object)
		fail(line.location,
		     "not an asciicast v2 header: the first line must be a JSON object");
	auto version = header.member("version");
	if (!version)
		fail(line.location, "not an asciicast v2 header: no \"version\"");
	if (version->type() != JsonType::Int || version->asInt() != 2)
		fail(line.location, "asciicast version " + version->toString() +
					" is not supported (this reads version 2)");
	cols_ = dimension(header, "width", line.location);
	rows_ = dimension(header, "height", line.location);
	if (auto timestamp = header.member("timestamp"); timestamp && !timestamp->isNull()) {
		double t = timestamp->asDouble();
		if (!isNumber(*timestamp) || !std::isfinite(t) || t < 0 || t > 1e12)
			fail(line.location,
			     "asciicast header: \"timestamp\" must be Unix seconds, not " +
				 timestamp->toString());
		startMs_ = std::llround(t * 1000);
	}
	if (auto env = header.member("env"); env && !env->isNull()) {
		if (env->type() != JsonType::Object)
			fail(line.location, "asciicast header: \"env\" must be an object");
		if (auto term = env->member("TERM"); term && !term->isNull()) {
			if (term->type() != JsonType::String || !base::utf8::isValid(term->asString()))
				fail(line.location,
				     "asciicast header: \"env\": \"TERM\" must be a UTF-8 string");
			term_ = std::string(term->asString());
		}
	}
	headerSeen_ = true;
	// The recording starts with the header's size at 0, as tlog-rec's
	// first message does.
	open(0, line.location);
}

void AsciicastReader::parseEvent(const RawMessage &line)
{
	const std::string &where = line.location;
	JsonRef event;
	try {
		event = JsonRef::parse(line.text);
	} catch (const std::system_error &e) {
		fail(where, std::string("invalid JSON: ") + e.what());
	}
	if (event.type() != JsonType::Array || event.arrayLength() != 3)
		fail(where, "an asciicast event must be an array [time, code, data]");
	auto time = event.at(0), code = event.at(1), data = event.at(2);
	if (!isNumber(time) || !std::isfinite(time.asDouble()) || time.asDouble() < 0 ||
	    time.asDouble() > kMaxTime)
		fail(where,
		     "event time must be a number of seconds from 0, not " + time.toString());
	if (code.type() != JsonType::String)
		fail(where, "event code must be a string, not " + code.toString());
	if (data.type() != JsonType::String)
		fail(where, "event data must be a string, not " + data.toString());
	double t = time.asDouble();
	if (t < lastTime_)
		fail(where, "event time " + time.toString() +
				" goes back from the previous event's " +
				JsonRef::makeDouble(lastTime_).toString());
	lastTime_ = t;
	auto ms = static_cast<std::uint64_t>(std::llround(t * 1000));

	std::string_view kind = code.asString(), text = data.asString();
	if (kind == "m")
		return; // a marker: nothing tlog can hold
	if (kind != "o" && kind != "i" && kind != "r")
		fail(where, "unknown event code " + code.toString() +
				" (expected \"o\", \"i\", \"r\" or \"m\")");
	if (!base::utf8::isValid(text))
		fail(where, "event data is not valid UTF-8");
	if (kind == "r") {
		if (!parseSize(text, cols_, rows_))
			fail(where, "a resize event needs \"COLSxROWS\" (1 to 65535 each), not " +
					data.toString());
		if (!open_)
			open(ms, where); // which writes the new size first
		else
			addRecord(ms, "=" + std::to_string(cols_) + "x" + std::to_string(rows_),
				  where);
		return;
	}
	if (text.empty())
		return;
	auto &txt = kind == "o" ? outTxt_ : inTxt_;
	addRecord(ms, (kind == "o" ? ">" : "<") + std::to_string(base::utf8::countChars(text)), where);
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
	return RawMessage{std::move(m), location_};
}

std::optional<RawMessage> AsciicastReader::read()
{
	for (;;) {
		if (open_ && full())
			return close();
		auto line = lines_.read();
		if (!line) {
			if (!headerSeen_ && lines_.finished())
				fail(lines_.name(), "empty, no asciicast header");
			// At the end, or nothing more yet from a pipe: hand
			// over what was gathered.
			if (open_)
				return close();
			return std::nullopt;
		}
		if (!headerSeen_)
			parseHeader(*line);
		else
			parseEvent(*line);
	}
}

std::unique_ptr<Reader> makeAsciicastReader(const ReaderSpec &spec)
{
	if (spec.path.empty())
		throw base::UsageError("the asciicast reader needs a file: give -i/--file-path "
				       "(or file.path), \"-\" for standard input");
	if (spec.follow)
		throw base::UsageError("the asciicast reader cannot follow a file");
	return std::make_unique<AsciicastReader>(spec.path);
}

std::vector<RecordingEdges> listAsciicastRecordings(const ReaderSpec &spec)
{
	auto reader = makeAsciicastReader(spec);
	std::vector<RecordingEdges> list;
	while (auto raw = reader->read()) {
		if (list.empty()) {
			// The recording's id as the messages carry it.
			auto rec = json::JsonRef::parse(raw->text).member("rec");
			list.push_back(
			    RecordingEdges{rec ? std::string(rec->asString()) : std::string(),
					   raw->text, raw->text, raw->location, 0, {}, 0});
		} else {
			list.back().lastMessage = std::move(raw->text);
		}
	}
	return list;
}

} // namespace tlog::source
