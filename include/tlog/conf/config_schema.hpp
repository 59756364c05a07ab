// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/json/json_ref.hpp"

namespace tlog::conf {

/// Binds dotted configuration keys ("limit.rate") to typed fields, so one
/// description serves every layer: JSON files and texts (nested objects),
/// command-line options (text values) and --configuration (JSON out).
/// Unknown keys and out-of-range values are errors that name the key and
/// the source. The bound fields must outlive the schema.
class ConfigSchema
{
public:
	void integer(std::string key, std::int64_t &field, std::int64_t min, std::int64_t max);
	void number(std::string key, double &field, double min, double max);
	void boolean(std::string key, bool &field);
	/// A string; with @p allowed non-empty, only those values.
	void string(std::string key, std::string &field, std::vector<std::string> allowed = {});
	/// A list of strings: a JSON array replaces it, applyText() appends one.
	void strings(std::string key, std::vector<std::string> &field);

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
	enum class Kind { Integer, Number, Boolean, String, StringList };
	struct Entry {
		std::string key;
		Kind kind;
		void *field;
		double min = 0, max = 0;
		std::vector<std::string> allowed;
	};
	const Entry *find(std::string_view key) const noexcept;
	bool isPrefix(std::string_view prefix) const noexcept;
	void applyMember(std::string_view key, const json::JsonRef &value,
			 std::string_view source) const;
	std::vector<Entry> entries_;
};

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
