// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/mem_writer.hpp"

#include <stdexcept>

namespace tlog::sink {

void MemWriter::write(std::string_view message, const MessageFields &fields)
{
	if (messages_.size() >= failAfter_)
		throw std::runtime_error("memory writer: simulated failure");
	messages_.emplace_back(message);
	fields_.push_back(Fields{std::string(fields.host), std::string(fields.rec),
				 std::string(fields.user), fields.session, fields.id,
				 std::string(fields.signature), fields.end});
}

} // namespace tlog::sink
