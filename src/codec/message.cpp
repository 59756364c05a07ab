// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/message.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "tlog/base/error.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::codec {

namespace {

using json::JsonRef;
using json::JsonType;

class Fields
{
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
		std::string_view s = value.asString();
		if (!base::utf8::isValid(s))
			fail(field, "not valid UTF-8");
		return std::string(s);
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
	const JsonRef &root_;
	std::string_view location_;
};

void parseVersion(const Fields &f, const JsonRef &root, Message &m)
{
	auto ver = root.member("ver");
	if (!ver)
		f.fail("ver", "missing");
	if (ver->type() == JsonType::Int) {
		if (ver->asInt() < 0)
			f.fail("ver", "negative version");
		// Compared whole: cast first, 4294967298 would pass as 2.
		if (ver->asInt() > 2)
			f.fail("ver", "unsupported version " + std::to_string(ver->asInt()) +
					      " (this player reads 2.x)");
		m.verMajor = static_cast<unsigned>(ver->asInt());
		m.verMinor = 0;
	} else if (ver->type() == JsonType::String) {
		std::string_view s = ver->asString();
		auto dot = s.find('.');
		auto major = s.substr(0, dot);
		auto [end, ec] = std::from_chars(major.data(), major.data() + major.size(), m.verMajor);
		bool ok = ec == std::errc() && end == major.data() + major.size() && !major.empty();
		m.verMinor = 0;
		if (ok && dot != std::string_view::npos) {
			auto minor = s.substr(dot + 1);
			auto [e2, ec2] = std::from_chars(minor.data(), minor.data() + minor.size(), m.verMinor);
			ok = ec2 == std::errc() && e2 == minor.data() + minor.size() && !minor.empty();
		}
		if (!ok)
			f.fail("ver", "not a version: " + base::quoted(s));
	} else {
		f.fail("ver", "expected string, found " + std::string(json::typeName(ver->type())));
	}
	if (m.verMajor > 2)
		f.fail("ver", "unsupported version " + std::to_string(m.verMajor) + "." +
				      std::to_string(m.verMinor) + " (this player reads 2.x)");
	if (m.verMajor < 2)
		f.fail("ver", "version 1 recordings are not supported");
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
	m.inTxt = f.text("in_txt");
	m.inBin = f.bytes("in_bin");
	m.outTxt = f.text("out_txt");
	m.outBin = f.bytes("out_bin");
	return m;
}

} // namespace tlog::codec
