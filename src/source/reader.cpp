// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/reader.hpp"

#include <cerrno>

#include <poll.h>

#include "tlog/base/error.hpp"

namespace tlog::source {

std::optional<RawMessage> readWaiting(Reader &reader)
{
	for (;;) {
		if (auto raw = reader.read())
			return raw;
		int fd = reader.waitFd();
		if (reader.finished() || fd < 0)
			return std::nullopt;
		pollfd p{fd, POLLIN, 0};
		if (::poll(&p, 1, -1) < 0 && errno != EINTR)
			base::throwErrno("waiting for " + reader.name());
		reader.onWaitFdReady();
	}
}

} // namespace tlog::source
