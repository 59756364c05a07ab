// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tlog/base/clock.hpp"

namespace tlog::sink {

/// What a writer may index a message by (journal fields, file names).
/// Views are valid for the duration of the write() call only.
struct MessageFields {
	std::string_view host;
	std::string_view rec;
	std::string_view user;
	std::uint32_t session = 0;
	std::uint64_t id = 0;
	/// The message's signature (base64), empty when it has none.
	std::string_view signature;
	/// The recorder ends the recording with this message.
	bool end = false;
};

/// One message of a batch (Writer::writeBatch()), as write() takes it.
struct Outgoing {
	std::string_view message;
	MessageFields fields;
};

/// Where finished messages go. Writers receive whole messages only, at
/// flush points, never partial ones. A new virtual here also needs its
/// forwarding in ForwardingWriter, the base of every decorator.
class Writer {
public:
	virtual ~Writer() = default;

	/// Delivers one message (JSON text, no newline).
	/// Throws: std::system_error or std::runtime_error when the message
	/// cannot be delivered: the recording must not go on silently.
	virtual void write(std::string_view message, const MessageFields &fields) = 0;

	/// Delivers @p batch in order, as write() would one by one (which is
	/// what this does unless a writer joins them into fewer system calls);
	/// @p delivered counts up the messages delivered whole, also when it
	/// throws, so the caller can say which were lost.
	/// Throws: as write().
	virtual void writeBatch(std::span<const Outgoing> batch, std::size_t &delivered)
	{
		for (const auto &out : batch) {
			write(out.message, out.fields);
			delivered++;
		}
	}

	/// Checks, before anything is recorded, that messages can be
	/// delivered now: the file is open, the socket connected and
	/// writable. The recorder calls it before the program starts, so
	/// that nothing runs unrecorded on a writer that cannot log.
	/// Throws: std::system_error naming what is missing.
	virtual void checkReady() {}

	/// Makes everything written so far durable (fsync for files), at exit.
	/// A writer still holding undeliverable messages says so here.
	/// Throws: std::system_error, std::runtime_error.
	virtual void flush() {}

	/// When the writer holds messages it could not deliver yet (its
	/// service is away): the monotonic time to call retry() at.
	virtual std::optional<base::Timestamp> retryDeadline() const noexcept
	{
		return std::nullopt;
	}

	/// Tries again to deliver held messages. Throws: as write().
	virtual void retry() {}

	/// The longest message (JSON text, bytes) the writer passes on whole
	/// to those who read it, or 0 for no bound. The recorder keeps every
	/// message within it: it refuses a payload that cannot fit, and
	/// lowers it where a long envelope leaves less room.
	virtual std::size_t maxMessageSize() const noexcept { return 0; }
};

} // namespace tlog::sink
