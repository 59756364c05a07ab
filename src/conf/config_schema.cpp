// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/config_schema.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <system_error>
#include <variant>

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

// One handler per alternative of a variant, for std::visit.
template <typename... Ts> struct Overloaded : Ts... {
	using Ts::operator()...;
};
template <typename... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

void ConfigSchema::add(std::string key, Field field)
{
	entries_.push_back(Entry{std::move(key), std::move(field)});
}

void ConfigSchema::number(std::string key, double &field, double min, double max)
{
	add(std::move(key), Number{&field, min, max});
}

void ConfigSchema::boolean(std::string key, bool &field)
{
	add(std::move(key), Boolean{&field});
}

void ConfigSchema::string(std::string key, std::string &field, std::vector<std::string> allowed)
{
	add(std::move(key),
	    String{[&field] { return field; },
		   [&field](std::string text) { field = std::move(text); }, std::move(allowed)});
}

void ConfigSchema::strings(std::string key, std::vector<std::string> &field)
{
	add(std::move(key), StringList{&field});
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
		throw base::ConfigError(std::string(source) +
					": the configuration must be a JSON object");
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
	std::visit(Overloaded{
		       [&](const Integer &f) {
			       if (type != json::JsonType::Int)
				       fail(source, key, "must be an integer");
			       auto v = value.asInt();
			       if (v < f.min || v > f.max)
				       fail(source, key,
					    "must be between " +
						formatNumber(static_cast<double>(f.min)) + " and " +
						formatNumber(static_cast<double>(f.max)));
			       f.set(v);
		       },
		       [&](const Number &f) {
			       if (type != json::JsonType::Int && type != json::JsonType::Double)
				       fail(source, key, "must be a number");
			       double v = value.asDouble();
			       if (!std::isfinite(v) || v < f.min || v > f.max)
				       fail(source, key,
					    "must be between " + formatNumber(f.min) + " and " +
						formatNumber(f.max));
			       *f.field = v;
		       },
		       [&](const Boolean &f) {
			       if (type != json::JsonType::Boolean)
				       fail(source, key, "must be true or false");
			       *f.field = value.asBool();
		       },
		       [&](const String &) {
			       if (type != json::JsonType::String)
				       fail(source, key, "must be a string");
			       applyText(key, value.asString(), source);
		       },
		       [&](const StringList &f) {
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
			       *f.field = std::move(list);
		       },
		   },
		   e->field);
}

void ConfigSchema::applyText(std::string_view key, std::string_view text,
			     std::string_view source) const
{
	const Entry *e = find(key);
	if (e == nullptr)
		fail(source, key, "unknown key");
	std::visit(
	    Overloaded{
		[&](const Integer &) {
			std::int64_t v = 0;
			auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
			if (ec != std::errc() || end != text.data() + text.size() || text.empty())
				fail(source, key, base::quoted(text) + " is not an integer");
			applyMember(key, json::JsonRef::makeInt(v), source);
		},
		[&](const Number &) {
			std::string s(text);
			char *end = nullptr;
			errno = 0;
			double v = std::strtod(s.c_str(), &end);
			if (s.empty() || end != s.c_str() + s.size() || errno != 0)
				fail(source, key, base::quoted(s) + " is not a number");
			applyMember(key, json::JsonRef::makeDouble(v), source);
		},
		[&](const Boolean &f) {
			if (text == "true" || text == "yes" || text == "on" || text == "1")
				*f.field = true;
			else if (text == "false" || text == "no" || text == "off" || text == "0")
				*f.field = false;
			else
				fail(source, key,
				     base::quoted(text) + " is not a boolean (true/false)");
		},
		[&](const String &f) {
			requireNoNul(source, key, text);
			if (!f.allowed.empty()) {
				bool ok = false;
				std::string list;
				for (auto &a : f.allowed) {
					ok = ok || a == text;
					list += (list.empty() ? "" : ", ") + a;
				}
				if (!ok)
					fail(source, key,
					     base::quoted(text) + " is not one of: " + list);
			}
			f.set(std::string(text));
		},
		[&](const StringList &f) {
			requireNoNul(source, key, text);
			f.field->emplace_back(text);
		},
	    },
	    e->field);
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
		json::JsonRef value = std::visit(
		    Overloaded{
			[](const Integer &f) { return json::JsonRef::makeInt(f.get()); },
			[](const Number &f) { return json::JsonRef::makeDouble(*f.field); },
			[](const Boolean &f) { return json::JsonRef::makeBool(*f.field); },
			[](const String &f) { return json::JsonRef::makeString(f.get()); },
			[](const StringList &f) {
				auto array = json::JsonRef::makeArray();
				for (auto &item : *f.field)
					array.append(json::JsonRef::makeString(item));
				return array;
			},
		    },
		    e.field);
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
