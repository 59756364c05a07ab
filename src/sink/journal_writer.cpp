// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/journal_writer.hpp"

#include <array>
#include <string>
#include <utility>

#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "tlog/base/error.hpp"
#include "tlog/sink/syslog_writer.hpp"

namespace tlog::sink {

JournalWriter::JournalWriter(std::string_view priority, bool augment, std::string identifier)
    : priorityField_("PRIORITY=" + std::to_string(syslogPriority(priority))),
      identifierField_("SYSLOG_IDENTIFIER=" + std::move(identifier)), augment_(augment)
{
}

void JournalWriter::write(std::string_view message, const MessageFields &fields)
{
	std::string msg = "MESSAGE=";
	msg.append(message);
	std::array<std::string, 5> extra;
	std::array<iovec, 8> iov{};
	std::size_t n = 0;
	auto add = [&](const std::string &s) {
		iov[n].iov_base = const_cast<char *>(s.data());
		iov[n].iov_len = s.size();
		n++;
	};
	add(msg);
	add(priorityField_);
	add(identifierField_);
	if (augment_) {
		// The reference's fields, which Cockpit groups recordings by,
		// plus the host.
		extra[0] = "TLOG_REC=" + std::string(fields.rec);
		extra[1] = "TLOG_USER=" + std::string(fields.user);
		extra[2] = "TLOG_SESSION=" + std::to_string(fields.session);
		extra[3] = "TLOG_ID=" + std::to_string(fields.id);
		extra[4] = "TLOG_HOST=" + std::string(fields.host);
		for (auto &e : extra)
			add(e);
	}
	int r = ::sd_journal_sendv(iov.data(), static_cast<int>(n));
	if (r < 0)
		base::throwSystem(-r, "sending to the journal");
}

} // namespace tlog::sink
