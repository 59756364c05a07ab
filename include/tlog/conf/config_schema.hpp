// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tlog/json/json_ref.hpp"

namespace tlog::conf {

/// Binds dotted configuration keys ("limit.rate") to typed fields, so one
/// description serves every layer: JSON files and texts (nested objects),
/// command-line options (text values) and --configuration (JSON out).
/// Unknown keys and out-of-range values are errors that name the key and
/// the source. Each field is bound with its own type (no casts from
/// void *); the bound fields must outlive the schema.
class ConfigSchema {
public:
	/// An integer key bound to @p field: any integer type, or a
	/// std::chrono::duration counted in its own unit. @p min and @p max
	/// bound it and must fit the field's type.
	template <typename T>
	void integer(std::string key, T &field, std::int64_t min, std::int64_t max);
	void number(std::string key, double &field, double min, double max);
	void boolean(std::string key, bool &field);
	/// A string; with @p allowed non-empty, only those values.
	void string(std::string key, std::string &field, std::vector<std::string> allowed = {});
	/// A list of strings: a JSON array replaces it, applyText() appends one.
	void strings(std::string key, std::vector<std::string> &field);
	/// A string key whose values name values of @p field ({"delay",
	/// false}, {"fail", true}); taken and shown as those names, with the
	/// errors of string() with the names allowed.
	template <typename T>
	void choice(std::string key, T &field, std::vector<std::pair<std::string, T>> values);

	/// Applies a JSON object (one layer). @p source names it in errors
	/// ("/etc/tlog/tlog-rec.conf", "TLOG_REC_CONF_TEXT").
	/// Throws: base::ConfigError "SOURCE: KEY: what is wrong".
	void apply(const json::JsonRef &object, std::string_view source) const;

	/// Sets one key from text, as given on the command line ("16384",
	/// "true"/"false"/"yes"/"no"/"1"/"0", a string).
	/// Throws: base::ConfigError.
	void applyText(std::string_view key, std::string_view text, std::string_view source) const;

	/// The current values as nested JSON.
	json::JsonRef toJson() const;

private:
	struct Integer {
		std::function<std::int64_t()> get;
		std::function<void(std::int64_t)> set;
		std::int64_t min, max;
	};
	struct Number {
		double *field;
		double min, max;
	};
	struct Boolean {
		bool *field;
	};
	struct String {
		std::function<std::string()> get;
		std::function<void(std::string)> set;
		std::vector<std::string> allowed;
	};
	struct StringList {
		std::vector<std::string> *field;
	};
	using Field = std::variant<Integer, Number, Boolean, String, StringList>;
	struct Entry {
		std::string key;
		Field field;
	};

	void add(std::string key, Field field);
	const Entry *find(std::string_view key) const noexcept;
	bool isPrefix(std::string_view prefix) const noexcept;
	void applyMember(std::string_view key, const json::JsonRef &value,
			 std::string_view source) const;
	std::vector<Entry> entries_;
};

template <typename T>
void ConfigSchema::integer(std::string key, T &field, std::int64_t min, std::int64_t max)
{
	if constexpr (std::is_integral_v<T>) {
		static_assert(!std::is_same_v<T, bool>, "a bool is a boolean()");
		add(std::move(key),
		    Integer{[&field] { return static_cast<std::int64_t>(field); },
			    [&field](std::int64_t v) { field = static_cast<T>(v); }, min, max});
	} else {
		// A std::chrono::duration.
		add(std::move(key),
		    Integer{[&field] { return static_cast<std::int64_t>(field.count()); },
			    [&field](std::int64_t v) { field = T(v); }, min, max});
	}
}

template <typename T>
void ConfigSchema::choice(std::string key, T &field, std::vector<std::pair<std::string, T>> values)
{
	std::vector<std::string> names;
	for (const auto &v : values)
		names.push_back(v.first);
	auto table =
	    std::make_shared<const std::vector<std::pair<std::string, T>>>(std::move(values));
	add(std::move(key), String{[&field, table] {
					   for (const auto &[name, value] : *table)
						   if (value == field)
							   return name;
					   return std::string();
				   },
				   [&field, table](std::string text) {
					   for (const auto &[name, value] : *table)
						   if (name == text)
							   field = value;
				   },
				   std::move(names)});
}

/// The largest configuration file read; anything bigger is not one.
inline constexpr std::size_t kMaxConfigFileSize = 1024 * 1024;

/// Reads a JSON configuration file (C and C++ comments allowed). A file
/// that does not exist gives a null JsonRef unless @p mustExist.
/// Throws: base::ConfigError naming the file and what is wrong (also a
/// directory, a read error, more than kMaxConfigFileSize bytes).
json::JsonRef loadConfigFile(const std::string &path, bool mustExist);

/// Parses a JSON configuration text. Throws: base::ConfigError naming @p source.
json::JsonRef parseConfigText(std::string_view text, std::string_view source);

} // namespace tlog::conf
