// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/config_schema.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/unique_fd.hpp"

namespace tlog::conf {

namespace {

[[noreturn]] void fail(std::string_view source, std::string_view key, std::string_view what)
{
	throw base::ConfigError(std::string(source) + ": " + base::printable(key) + ": " +
				std::string(what));
}

// Strings become paths, names and matches, which a NUL would cut short
// without a word (a path "/var/log/a\0b" opened as "/var/log/a").
void requireNoNul(std::string_view source, std::string_view key, std::string_view text)
{
	if (text.find('\0') != std::string_view::npos)
		fail(source, key, base::quoted(text) + " holds a NUL character");
}

std::string formatNumber(double v)
{
	// Enough digits that integer limits print whole, not as 1.07374e+09.
	std::ostringstream s;
	s << std::setprecision(15) << v;
	return s.str();
}

} // namespace

void ConfigSchema::integer(std::string key, std::int64_t &field, std::int64_t min, std::int64_t max)
{
	entries_.push_back(Entry{std::move(key), Kind::Integer, &field, static_cast<double>(min),
				 static_cast<double>(max), {}});
}

void ConfigSchema::number(std::string key, double &field, double min, double max)
{
	entries_.push_back(Entry{std::move(key), Kind::Number, &field, min, max, {}});
}

void ConfigSchema::boolean(std::string key, bool &field)
{
	entries_.push_back(Entry{std::move(key), Kind::Boolean, &field, 0, 0, {}});
}

void ConfigSchema::string(std::string key, std::string &field, std::vector<std::string> allowed)
{
	entries_.push_back(Entry{std::move(key), Kind::String, &field, 0, 0, std::move(allowed)});
}

void ConfigSchema::strings(std::string key, std::vector<std::string> &field)
{
	entries_.push_back(Entry{std::move(key), Kind::StringList, &field, 0, 0, {}});
}

const ConfigSchema::Entry *ConfigSchema::find(std::string_view key) const noexcept
{
	for (auto &e : entries_)
		if (e.key == key)
			return &e;
	return nullptr;
}

bool ConfigSchema::isPrefix(std::string_view prefix) const noexcept
{
	for (auto &e : entries_)
		if (e.key.size() > prefix.size() && e.key.compare(0, prefix.size(), prefix) == 0 &&
		    e.key[prefix.size()] == '.')
			return true;
	return false;
}

void ConfigSchema::apply(const json::JsonRef &object, std::string_view source) const
{
	if (object.type() != json::JsonType::Object)
		throw base::ConfigError(std::string(source) + ": the configuration must be a JSON object");
	object.forEach([&](std::string_view key, const json::JsonRef &value) {
		applyMember(key, value, source);
	});
}

void ConfigSchema::applyMember(std::string_view key, const json::JsonRef &value,
			       std::string_view source) const
{
	if (isPrefix(key)) {
		if (value.type() != json::JsonType::Object)
			fail(source, key, "must be an object");
		value.forEach([&](std::string_view sub, const json::JsonRef &v) {
			applyMember(std::string(key) + "." + std::string(sub), v, source);
		});
		return;
	}
	const Entry *e = find(key);
	if (e == nullptr)
		fail(source, key, "unknown key");
	auto type = value.type();
	switch (e->kind) {
	case Kind::Integer: {
		if (type != json::JsonType::Int)
			fail(source, key, "must be an integer");
		auto v = value.asInt();
		if (static_cast<double>(v) < e->min || static_cast<double>(v) > e->max)
			fail(source, key,
			     "must be between " + formatNumber(e->min) + " and " + formatNumber(e->max));
		*static_cast<std::int64_t *>(e->field) = v;
		break;
	}
	case Kind::Number: {
		if (type != json::JsonType::Int && type != json::JsonType::Double)
			fail(source, key, "must be a number");
		double v = value.asDouble();
		if (!std::isfinite(v) || v < e->min || v > e->max)
			fail(source, key,
			     "must be between " + formatNumber(e->min) + " and " + formatNumber(e->max));
		*static_cast<double *>(e->field) = v;
		break;
	}
	case Kind::Boolean:
		if (type != json::JsonType::Boolean)
			fail(source, key, "must be true or false");
		*static_cast<bool *>(e->field) = value.asBool();
		break;
	case Kind::String: {
		if (type != json::JsonType::String)
			fail(source, key, "must be a string");
		applyText(key, value.asString(), source);
		break;
	}
	case Kind::StringList: {
		if (type != json::JsonType::Array)
			fail(source, key, "must be an array of strings");
		std::vector<std::string> list;
		for (std::size_t i = 0; i < value.arrayLength(); i++) {
			auto item = value.at(i);
			if (item.type() != json::JsonType::String)
				fail(source, key, "must be an array of strings");
			requireNoNul(source, key, item.asString());
			list.emplace_back(item.asString());
		}
		*static_cast<std::vector<std::string> *>(e->field) = std::move(list);
		break;
	}
	}
}

void ConfigSchema::applyText(std::string_view key, std::string_view text,
			     std::string_view source) const
{
	const Entry *e = find(key);
	if (e == nullptr)
		fail(source, key, "unknown key");
	switch (e->kind) {
	case Kind::Integer: {
		std::int64_t v = 0;
		auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
		if (ec != std::errc() || end != text.data() + text.size() || text.empty())
			fail(source, key, base::quoted(text) + " is not an integer");
		auto tmp = json::JsonRef::makeInt(v);
		applyMember(key, tmp, source);
		break;
	}
	case Kind::Number: {
		std::string s(text);
		char *end = nullptr;
		errno = 0;
		double v = std::strtod(s.c_str(), &end);
		if (s.empty() || end != s.c_str() + s.size() || errno != 0)
			fail(source, key, base::quoted(s) + " is not a number");
		auto tmp = json::JsonRef::makeDouble(v);
		applyMember(key, tmp, source);
		break;
	}
	case Kind::Boolean: {
		bool v;
		if (text == "true" || text == "yes" || text == "on" || text == "1")
			v = true;
		else if (text == "false" || text == "no" || text == "off" || text == "0")
			v = false;
		else
			fail(source, key, base::quoted(text) + " is not a boolean (true/false)");
		*static_cast<bool *>(e->field) = v;
		break;
	}
	case Kind::String: {
		requireNoNul(source, key, text);
		if (!e->allowed.empty()) {
			bool ok = false;
			std::string list;
			for (auto &a : e->allowed) {
				ok = ok || a == text;
				list += (list.empty() ? "" : ", ") + a;
			}
			if (!ok)
				fail(source, key, base::quoted(text) + " is not one of: " + list);
		}
		*static_cast<std::string *>(e->field) = std::string(text);
		break;
	}
	case Kind::StringList:
		requireNoNul(source, key, text);
		static_cast<std::vector<std::string> *>(e->field)->emplace_back(text);
		break;
	}
}

json::JsonRef ConfigSchema::toJson() const
{
	auto root = json::JsonRef::makeObject();
	for (auto &e : entries_) {
		json::JsonRef parent = root;
		std::string_view key = e.key;
		for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
			auto name = key.substr(0, dot);
			auto child = parent.member(name);
			if (!child) {
				child = json::JsonRef::makeObject();
				parent.set(name, *child);
			}
			parent = *child;
			key.remove_prefix(dot + 1);
		}
		json::JsonRef value;
		switch (e.kind) {
		case Kind::Integer: value = json::JsonRef::makeInt(*static_cast<std::int64_t *>(e.field)); break;
		case Kind::Number: value = json::JsonRef::makeDouble(*static_cast<double *>(e.field)); break;
		case Kind::Boolean: value = json::JsonRef::makeBool(*static_cast<bool *>(e.field)); break;
		case Kind::String: value = json::JsonRef::makeString(*static_cast<std::string *>(e.field)); break;
		case Kind::StringList:
			value = json::JsonRef::makeArray();
			for (auto &item : *static_cast<std::vector<std::string> *>(e.field))
				value.append(json::JsonRef::makeString(item));
			break;
		}
		parent.set(key, std::move(value));
	}
	return root;
}

json::JsonRef loadConfigFile(const std::string &path, bool mustExist)
{
	// open(2) and read(2), not a stream: a stream reads a directory as
	// an empty file and loses the reason, and it would read /dev/zero
	// until memory runs out.
	base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
	if (!fd) {
		int err = errno;
		if (err == ENOENT && !mustExist)
			return {};
		throw base::ConfigError(path + ": cannot read: " + std::strerror(err));
	}
	std::string text;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw base::ConfigError(path + ": cannot read: " + std::strerror(errno));
		if (n == 0)
			break;
		if (text.size() + static_cast<std::size_t>(n) > kMaxConfigFileSize)
			throw base::ConfigError(path + ": larger than " +
						std::to_string(kMaxConfigFileSize) + " bytes");
		text.append(buf, static_cast<std::size_t>(n));
	}
	return parseConfigText(text, path);
}

json::JsonRef parseConfigText(std::string_view text, std::string_view source)
{
	try {
		auto value = json::JsonRef::parse(text);
		if (value.type() != json::JsonType::Object)
			throw base::ConfigError(std::string(source) +
						": the configuration must be a JSON object");
		return value;
	} catch (const std::system_error &e) {
		throw base::ConfigError(std::string(source) + ": invalid JSON: " + e.what());
	}
}

} // namespace tlog::conf
