// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// A writer that keeps what it is given, for tests: the seam through
/// which recorder logic is checked without files or services.
class MemWriter final : public Writer {
public:
	/// MessageFields with owned strings.
	struct Fields {
		std::string host;
		std::string rec;
		std::string user;
		std::uint32_t session = 0;
		std::uint64_t id = 0;
		std::string signature;
		bool end = false;
	};

	/// Throws: std::runtime_error once failAfter() messages were taken.
	void write(std::string_view message, const MessageFields &fields) override;
	void flush() override { flushes_++; }

	/// Makes write() throw after @p count successful writes (a full disk).
	void failAfter(std::size_t count) noexcept { failAfter_ = count; }

	const std::vector<std::string> &messages() const noexcept { return messages_; }
	const std::vector<Fields> &fields() const noexcept { return fields_; }
	std::size_t flushes() const noexcept { return flushes_; }

private:
	std::vector<std::string> messages_;
	std::vector<Fields> fields_;
	std::size_t flushes_ = 0;
	std::size_t failAfter_ = std::numeric_limits<std::size_t>::max();
};

} // namespace tlog::sink
