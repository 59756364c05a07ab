// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/verify.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include <sys/stat.h>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/signature.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::play {

namespace {

codec::VerifyKey readKey(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw base::ConfigError("--verify: cannot read the key " + path);
	std::ostringstream text;
	text << in.rdbuf();
	return codec::VerifyKey::fromPem(text.str(), path);
}

// One key for every host, or HOST.pub from a directory, read once each.
class KeyRing {
public:
	explicit KeyRing(std::string path) : path_(std::move(path))
	{
		struct stat st {};
		if (::stat(path_.c_str(), &st) < 0)
			base::throwErrno("--verify: " + path_);
		if (S_ISDIR(st.st_mode))
			return;
		single_ = readKey(path_);
	}

	// Null when the directory has no key for @p host.
	const codec::VerifyKey *forHost(const std::string &host)
	{
		if (single_)
			return &*single_;
		auto found = byHost_.find(host);
		if (found == byHost_.end()) {
			std::optional<codec::VerifyKey> key;
			// A host name cannot name a file outside the directory.
			if (!host.empty() && host.find('/') == std::string::npos &&
			    host[0] != '.') {
				std::string path = path_ + "/" + host + ".pub";
				struct stat st {};
				if (::stat(path.c_str(), &st) == 0)
					key = readKey(path);
			}
			found = byHost_.emplace(host, std::move(key)).first;
		}
		return found->second ? &*found->second : nullptr;
	}

private:
	std::string path_;
	std::optional<codec::VerifyKey> single_;
	std::map<std::string, std::optional<codec::VerifyKey>> byHost_;
};

} // namespace

bool verifyRecording(source::Reader &reader, const VerifyOptions &options, int fd)
{
	KeyRing keys(options.keyPath);
	std::optional<std::string> rec;
	std::optional<codec::ChainVerifier> chain;
	std::string broken;
	while (auto raw = source::readWaiting(reader)) {
		codec::Message m = source::parse(*raw);
		if (!options.select.matches(m.envelope))
			continue;
		if (!rec && (options.match.empty() || m.envelope.rec == options.match)) {
			rec = m.envelope.rec;
			chain.emplace(*rec);
		}
		if (!rec || m.envelope.rec != *rec)
			continue;
		std::string why = chain->add(m, keys.forHost(m.envelope.host));
		if (!why.empty()) {
			broken = why + " (" + raw->location + ")";
			break;
		}
	}
	if (!rec)
		throw std::runtime_error(reader.name() + ": no recording " +
					 (options.match.empty() ? "matches" : options.match));
	if (broken.empty())
		broken = chain->atEnd();
	std::string line = *rec + ": ";
	if (broken.empty())
		line += "intact: messages 1-" + std::to_string(chain->messages()) + ", " +
			std::to_string(chain->signatures()) + " signatures, signed to its end\n";
	else
		line += "NOT INTACT: " + broken + "\n";
	base::writeAll(fd, line);
	return broken.empty();
}

} // namespace tlog::play
