// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/message.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>

#include "config.h"
#if ENABLE_SIMDJSON
#include <simdjson.h>
#endif

#include "tlog/base/error.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/json/escape.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::codec {

namespace {

using json::JsonRef;
using json::JsonType;

class Fields {
public:
	Fields(const JsonRef &root, std::string_view location) : root_(root), location_(location) {}

	[[noreturn]] void fail(std::string_view field, std::string_view what) const
	{
		throw base::FormatError(std::string(location_) + ": field '" + std::string(field) +
					"': " + std::string(what));
	}

	std::optional<JsonRef> optional(std::string_view field, JsonType type) const
	{
		auto value = root_.member(field);
		if (!value)
			return std::nullopt;
		auto t = value->type();
		bool ok = t == type || (type == JsonType::Double && t == JsonType::Int);
		if (!ok)
			fail(field, "expected " + std::string(json::typeName(type)) + ", found " +
					std::string(json::typeName(t)));
		return value;
	}

	JsonRef required(std::string_view field, JsonType type) const
	{
		auto value = optional(field, type);
		if (!value)
			fail(field, "missing");
		return *value;
	}

	std::string text(std::string_view field) const
	{
		auto value = required(field, JsonType::String);
		return validText(field, value);
	}

	// Empty when absent.
	std::string optionalText(std::string_view field) const
	{
		auto value = optional(field, JsonType::String);
		return value ? validText(field, *value) : std::string();
	}

	std::uint64_t integer(std::string_view field, std::uint64_t max) const
	{
		auto value = required(field, JsonType::Int);
		std::int64_t v = value.asInt();
		if (v < 0 || static_cast<std::uint64_t>(v) > max)
			fail(field, "out of range: " + std::to_string(v));
		return static_cast<std::uint64_t>(v);
	}

	std::string bytes(std::string_view field) const
	{
		auto value = required(field, JsonType::Array);
		std::string out;
		std::size_t n = value.arrayLength();
		out.reserve(n);
		for (std::size_t i = 0; i < n; i++) {
			auto item = value.at(i);
			if (item.type() != JsonType::Int || item.asInt() < 0 || item.asInt() > 255)
				fail(field, "item " + std::to_string(i) + " is not a byte (0-255)");
			out += static_cast<char>(item.asInt());
		}
		return out;
	}

private:
	std::string validText(std::string_view field, const JsonRef &value) const
	{
		std::string_view s = value.asString();
		if (!base::utf8::isValid(s))
			fail(field, "not valid UTF-8");
		return std::string(s);
	}

	const JsonRef &root_;
	std::string_view location_;
};

// "MAJOR[.MINOR]" with plain digits; false for anything else.
bool parseVersionText(std::string_view s, unsigned &major, unsigned &minor)
{
	auto number = [](std::string_view digits, unsigned &out) {
		auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
		return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
	};
	auto dot = s.find('.');
	minor = 0;
	bool ok = number(s.substr(0, dot), major);
	if (ok && dot != std::string_view::npos)
		ok = number(s.substr(dot + 1), minor);
	return ok;
}

// The highest major version read: the reference's readers take any
// "MAJOR[.MINOR]" (or an integer) up to it.
constexpr unsigned kMaxMajor = 2;

// Format 1 ("ver":1, tlog 2015-2017) and 2.x are read alike: 2.0 made
// "ver" a string, 2.1 added "rec", 2.2 fixed pos to count from the start of
// the recording, 2.3 added "time"; every one of them is optional here. Only
// plain digits are taken: the reference's sscanf() also lets blanks, signs
// and numbers past 2^32 through, which no writer makes.
void parseVersion(const Fields &f, const JsonRef &root, Message &m)
{
	auto ver = root.member("ver");
	if (!ver)
		f.fail("ver", "missing");
	if (ver->type() == JsonType::Int) {
		std::int64_t v = ver->asInt();
		if (v < 0)
			f.fail("ver", "negative version " + std::to_string(v));
		// Compared whole: cast first, 4294967298 would pass as 2.
		if (v > static_cast<std::int64_t>(kMaxMajor))
			f.fail("ver", "unsupported version " + std::to_string(v) +
					  " (this player reads versions 1 and 2.x)");
		m.verMajor = static_cast<unsigned>(v);
		m.verMinor = 0;
		return;
	}
	if (ver->type() != JsonType::String)
		f.fail("ver", "expected string, found " + std::string(json::typeName(ver->type())));
	std::string_view s = ver->asString();
	if (!parseVersionText(s, m.verMajor, m.verMinor))
		f.fail("ver", "not a version: " + base::quoted(s));
	if (m.verMajor > kMaxMajor)
		f.fail("ver", "unsupported version " + std::string(s) +
				  " (this player reads versions 1 and 2.x)");
}

#if ENABLE_SIMDJSON

// The members parseMessageFast() reads, one bit each, to find the
// required ones and repeated ones.
enum Member : unsigned {
	kVer = 1u << 0,
	kHost = 1u << 1,
	kRec = 1u << 2,
	kUser = 1u << 3,
	kTerm = 1u << 4,
	kSession = 1u << 5,
	kId = 1u << 6,
	kPos = 1u << 7,
	kTime = 1u << 8,
	kTiming = 1u << 9,
	kInTxt = 1u << 10,
	kInBin = 1u << 11,
	kOutTxt = 1u << 12,
	kOutBin = 1u << 13,
	kSig = 1u << 14,
	kEnd = 1u << 15,
	kRequired =
	    kVer | kHost | kUser | kTerm | kSession | kId | kPos | kTiming | kInBin | kOutBin,
};

unsigned memberBit(std::string_view key) noexcept
{
	static constexpr std::pair<std::string_view, unsigned> kMembers[] = {
	    {"ver", kVer},	  {"host", kHost},	{"rec", kRec},
	    {"user", kUser},	  {"term", kTerm},	{"session", kSession},
	    {"id", kId},	  {"pos", kPos},	{"time", kTime},
	    {"timing", kTiming},  {"in_txt", kInTxt},	{"in_bin", kInBin},
	    {"out_txt", kOutTxt}, {"out_bin", kOutBin}, {kSignatureMember, kSig},
	    {kEndMember, kEnd},
	};
	for (const auto &[name, bit] : kMembers)
		if (name == key)
			return bit;
	return 0;
}

bool takeUint(simdjson::dom::element value, std::uint64_t max, std::uint64_t &out) noexcept
{
	std::int64_t v = 0;
	if (!value.is_int64() || value.get_int64().get(v) || v < 0 ||
	    static_cast<std::uint64_t>(v) > max)
		return false;
	out = static_cast<std::uint64_t>(v);
	return true;
}

bool takeText(simdjson::dom::element value, std::string &out)
{
	std::string_view s;
	if (value.get_string().get(s))
		return false;
	out.assign(s);
	return true;
}

bool takeBytes(simdjson::dom::element value, std::string &out)
{
	simdjson::dom::array array;
	if (value.get_array().get(array))
		return false;
	out.clear();
	out.reserve(array.size());
	for (simdjson::dom::element item : array) {
		std::uint64_t byte = 0;
		if (!takeUint(item, 255, byte))
			return false;
		out += static_cast<char>(byte);
	}
	return true;
}

bool takeMember(unsigned bit, simdjson::dom::element value, Message &m)
{
	std::uint64_t n = 0;
	switch (bit) {
	case kVer:
		if (value.is_int64()) {
			if (!takeUint(value, kMaxMajor, n))
				return false;
			m.verMajor = static_cast<unsigned>(n);
			m.verMinor = 0;
			return true;
		}
		{
			std::string_view s;
			return !value.get_string().get(s) &&
			       parseVersionText(s, m.verMajor, m.verMinor) &&
			       m.verMajor <= kMaxMajor;
		}
	case kHost:
		return takeText(value, m.envelope.host);
	case kRec:
		return takeText(value, m.envelope.rec);
	case kUser:
		return takeText(value, m.envelope.user);
	case kTerm:
		return takeText(value, m.envelope.term);
	case kSession:
		if (!takeUint(value, kNoSession, n))
			return false;
		m.envelope.session = static_cast<std::uint32_t>(n);
		return true;
	case kId:
		return takeUint(value, 1ull << 53, m.id);
	case kPos:
		return takeUint(value, 1ull << 53, m.pos);
	case kTime: {
		double t = 0;
		if (value.is_int64()) {
			std::int64_t v = 0;
			if (value.get_int64().get(v))
				return false;
			t = static_cast<double>(v);
		} else if (!value.is_double() || value.get_double().get(t)) {
			return false;
		}
		if (!std::isfinite(t) || t < 0 || std::signbit(t))
			return false;
		m.time = t;
		return true;
	}
	case kTiming:
		return takeText(value, m.timing);
	case kInTxt:
		return takeText(value, m.inTxt);
	case kInBin:
		return takeBytes(value, m.inBin);
	case kOutTxt:
		return takeText(value, m.outTxt);
	case kOutBin:
		return takeBytes(value, m.outBin);
	case kSig:
		return takeText(value, m.signature);
	case kEnd: {
		std::string_view s;
		if (value.is_bool())
			return !value.get_bool().get(m.end);
		if (value.get_string().get(s) || (s != "1" && !s.empty()))
			return false;
		m.end = s == "1";
		return true;
	}
	}
	return false;
}

// Where json-c and simdjson may part: an escaped UTF-16 surrogate (json-c
// puts U+FFFD for a lone one) and a byte order mark (an error to json-c).
bool mayDiffer(std::string_view text) noexcept
{
	if (text.starts_with("\xEF\xBB\xBF"))
		return true;
	for (auto at = text.find("\\u"); at != std::string_view::npos;
	     at = text.find("\\u", at + 2)) {
		if (at + 3 < text.size() && (text[at + 3] == 'd' || text[at + 3] == 'D'))
			return true;
	}
	return false;
}

// Whether this simdjson refuses all of those, as 3.0.1 does: then the
// text need not be scanned for them (it costs a sixth of the parse).
bool refusesWhatMayDiffer()
{
	static const bool refuses = [] {
		simdjson::dom::parser probe;
		for (std::string_view doc :
		     {R"({"a":"\udc00"})", R"({"a":"\ud800"})", R"({"a":"\ud800\ue000"})",
		      R"({"a":"\ud800\u0041"})", "\xEF\xBB\xBF{}"}) {
			simdjson::dom::element root;
			if (!probe.parse(doc.data(), doc.size()).get(root))
				return false;
		}
		return true;
	}();
	return refuses;
}

#endif

} // namespace

std::optional<Message> parseMessageFast([[maybe_unused]] std::string_view text)
{
#if ENABLE_SIMDJSON
	if (!refusesWhatMayDiffer() && mayDiffer(text))
		return std::nullopt;
	// One parser per thread: its buffers are kept from message to message.
	thread_local simdjson::dom::parser parser;
	simdjson::dom::object root;
	if (parser.parse(text.data(), text.size()).get_object().get(root))
		return std::nullopt;
	Message m;
	unsigned seen = 0;
	for (auto [key, value] : root) {
		unsigned bit = memberBit(key);
		if (bit == 0) {
			// Passed by, as json-c does, unless json-c's depth limit or
			// its C-string keys could make a difference.
			if (value.is_array() || value.is_object() ||
			    key.find('\0') != std::string_view::npos)
				return std::nullopt;
			continue;
		}
		if ((seen & bit) != 0 || !takeMember(bit, value, m))
			return std::nullopt;
		seen |= bit;
	}
	if ((seen & kRequired) != kRequired)
		return std::nullopt;
	return m;
#else
	return std::nullopt;
#endif
}

bool hasFastParser() noexcept
{
	return ENABLE_SIMDJSON != 0;
}

Message parseMessage(std::string_view text, std::string_view location)
{
	if (auto m = parseMessageFast(text))
		return std::move(*m);
	return parseMessageFull(text, location);
}

Message parseMessageFull(std::string_view text, std::string_view location)
{
	JsonRef root;
	try {
		root = JsonRef::parse(text);
	} catch (const std::system_error &e) {
		throw base::FormatError(std::string(location) + ": invalid JSON: " + e.what());
	}
	if (root.type() != JsonType::Object)
		throw base::FormatError(std::string(location) + ": not a JSON object");

	Fields f(root, location);
	Message m;
	parseVersion(f, root, m);
	m.envelope.host = f.text("host");
	if (root.member("rec"))
		m.envelope.rec = f.text("rec");
	m.envelope.user = f.text("user");
	m.envelope.term = f.text("term");
	m.envelope.session = static_cast<std::uint32_t>(f.integer("session", kNoSession));
	m.id = f.integer("id", 1ull << 53);
	m.pos = f.integer("pos", 1ull << 53);
	if (auto time = f.optional("time", JsonType::Double)) {
		double t = time->asDouble();
		if (!std::isfinite(t) || t < 0)
			f.fail("time", "out of range");
		m.time = t;
	}
	m.timing = f.text("timing");
	// The texts may be left out, as the reference's reader allows: empty.
	m.inTxt = f.optionalText("in_txt");
	m.inBin = f.bytes("in_bin");
	m.outTxt = f.optionalText("out_txt");
	m.outBin = f.bytes("out_bin");
	m.signature = f.optionalText(kSignatureMember);
	// true from a writer; "1" (or "") from rsyslog's template, which
	// copies the journal's TLOG_END field.
	if (auto end = root.member(kEndMember)) {
		if (end->type() == JsonType::Boolean)
			m.end = end->asBool();
		else if (end->type() == JsonType::String &&
			 (end->asString() == "1" || end->asString().empty()))
			m.end = end->asString() == "1";
		else
			f.fail(kEndMember, "expected true, false, \"1\" or \"\"");
	}
	return m;
}

namespace {

void appendNumber(std::string &out, std::uint64_t v)
{
	out += std::to_string(v);
}

void appendString(std::string &out, std::string_view name, std::string_view value)
{
	out += ",\"";
	out += name;
	out += "\":\"";
	json::appendEscaped(out, value);
	out += '"';
}

void appendBytes(std::string &out, std::string_view name, std::string_view bytes)
{
	out += ",\"";
	out += name;
	out += "\":[";
	for (std::size_t i = 0; i < bytes.size(); i++) {
		if (i != 0)
			out += ',';
		appendNumber(out, static_cast<unsigned char>(bytes[i]));
	}
	out += ']';
}

} // namespace

std::string withMarks(std::string_view text, std::string_view signature, bool end)
{
	std::string out(text);
	if (signature.empty() && !end)
		return out;
	auto close = out.rfind('}');
	if (close == std::string::npos)
		return out;
	std::string marks;
	if (!signature.empty())
		appendString(marks, kSignatureMember, signature);
	if (end) {
		marks += ",\"";
		marks += kEndMember;
		marks += "\":true";
	}
	out.insert(close, marks);
	return out;
}

std::string formatMessage(const Message &m)
{
	std::string out;
	out.reserve(256 + m.timing.size() + m.inTxt.size() + m.outTxt.size() +
		    4 * (m.inBin.size() + m.outBin.size()));
	out += "{\"ver\":\"";
	appendNumber(out, m.verMajor);
	out += '.';
	appendNumber(out, m.verMinor);
	out += '"';
	appendString(out, "host", m.envelope.host);
	appendString(out, "rec", m.envelope.rec);
	appendString(out, "user", m.envelope.user);
	appendString(out, "term", m.envelope.term);
	out += ",\"session\":";
	appendNumber(out, m.envelope.session);
	out += ",\"id\":";
	appendNumber(out, m.id);
	out += ",\"pos\":";
	appendNumber(out, m.pos);
	if (m.time) {
		// Written as milliseconds: "1700000000.123".
		auto ms = static_cast<std::uint64_t>(std::llround(*m.time * 1000));
		out += ",\"time\":";
		appendNumber(out, ms / 1000);
		char frac[5];
		std::snprintf(frac, sizeof(frac), ".%03u", static_cast<unsigned>(ms % 1000));
		out += frac;
	}
	appendString(out, "timing", m.timing);
	appendString(out, "in_txt", m.inTxt);
	appendBytes(out, "in_bin", m.inBin);
	appendString(out, "out_txt", m.outTxt);
	appendBytes(out, "out_bin", m.outBin);
	out += '}';
	return out;
}

} // namespace tlog::codec
