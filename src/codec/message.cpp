// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/message.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>

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
	auto number = [](std::string_view digits, unsigned &out) {
		auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
		return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
	};
	auto dot = s.find('.');
	m.verMinor = 0;
	bool ok = number(s.substr(0, dot), m.verMajor);
	if (ok && dot != std::string_view::npos)
		ok = number(s.substr(dot + 1), m.verMinor);
	if (!ok)
		f.fail("ver", "not a version: " + base::quoted(s));
	if (m.verMajor > kMaxMajor)
		f.fail("ver", "unsupported version " + std::string(s) +
				  " (this player reads versions 1 and 2.x)");
}

} // namespace

Message parseMessage(std::string_view text, std::string_view location)
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
