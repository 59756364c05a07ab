// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/recording_list.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>

#include "tlog/base/log.hpp"
#include "tlog/base/process.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/codec/timing.hpp"

namespace tlog::play {

namespace {

std::uint64_t endOf(const codec::Message &m)
{
	std::uint64_t ms = m.pos;
	for (const auto &r : codec::parseTiming(m.timing))
		if (r.kind == codec::TimingRecord::Kind::Delay)
			ms += r.a;
	return ms;
}

std::string formatTime(double seconds)
{
	std::time_t t = static_cast<std::time_t>(seconds);
	std::tm tm{};
	localtime_r(&t, &tm);
	char buf[32];
	std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

} // namespace

RecordingInfo summarize(const std::string &rec, const std::string &firstMessage,
			const std::string &lastMessage, std::uint64_t firstUsec,
			const std::string &location)
{
	return summarize(rec, codec::parseMessage(firstMessage, location),
			 codec::parseMessage(lastMessage, location), firstUsec);
}

RecordingInfo summarize(const std::string &rec, const codec::Message &first,
			const codec::Message &last, std::uint64_t firstUsec)
{
	RecordingInfo info;
	info.rec = rec;
	info.user = first.envelope.user;
	info.host = first.envelope.host;
	info.session = first.envelope.session;
	info.start = first.time ? *first.time - static_cast<double>(first.pos) / 1000.0
				: static_cast<double>(firstUsec) / 1e6;
	info.durationMs = endOf(last);
	info.messages = last.id;
	info.live = isLive(rec);
	return info;
}

std::vector<RecordingMessages> readRecordings(source::Reader &reader)
{
	std::vector<RecordingMessages> list;
	std::map<std::string, std::size_t, std::less<>> index;
	base::ProgressLine progress;
	std::size_t messages = 0;
	while (auto raw = source::readWaiting(reader)) {
		if (progress.due(base::monotonicNow()))
			progress.show("listing recordings: " + std::to_string(messages) +
				      " messages read, " + std::to_string(list.size()) +
				      (list.size() == 1 ? " recording" : " recordings"));
		messages++;
		auto message = source::parse(*raw);
		auto [it, added] = index.emplace(message.envelope.rec, list.size());
		if (added)
			list.push_back(RecordingMessages{message.envelope.rec, message, message});
		else
			list[it->second].last = std::move(message);
	}
	return list;
}

bool isLive(const std::string &rec) noexcept
{
	auto parts = base::parseRecordingId(rec);
	if (!parts || parts->boot != base::bootId())
		return false;
	auto stat = base::processStat(parts->pid);
	return stat && stat->startTime == parts->startTime;
}

std::string formatDuration(std::uint64_t ms)
{
	char buf[48];
	std::uint64_t s = ms / 1000;
	if (s >= 3600)
		std::snprintf(buf, sizeof(buf), "%llu:%02llu:%02llu.%03llu",
			      static_cast<unsigned long long>(s / 3600),
			      static_cast<unsigned long long>(s / 60 % 60),
			      static_cast<unsigned long long>(s % 60),
			      static_cast<unsigned long long>(ms % 1000));
	else
		std::snprintf(buf, sizeof(buf), "%llu:%02llu.%03llu",
			      static_cast<unsigned long long>(s / 60),
			      static_cast<unsigned long long>(s % 60),
			      static_cast<unsigned long long>(ms % 1000));
	return buf;
}

std::string formatTable(const std::vector<RecordingInfo> &list)
{
	std::vector<std::vector<std::string>> rows;
	rows.push_back(
	    {"REC", "USER", "HOST", "SESSION", "START", "DURATION", "MESSAGES", "STATE", "WRITER"});
	for (const auto &r : list)
		rows.push_back({r.rec, r.user, r.host, std::to_string(r.session),
				formatTime(r.start), formatDuration(r.durationMs),
				std::to_string(r.messages), r.live ? "live" : "ended",
				r.writer.empty() ? "-" : r.writer});
	std::vector<std::size_t> width(rows[0].size(), 0);
	for (const auto &row : rows)
		for (std::size_t i = 0; i < row.size(); i++)
			width[i] = std::max(width[i], row[i].size());
	std::string out;
	for (const auto &row : rows) {
		std::string line;
		for (std::size_t i = 0; i < row.size(); i++) {
			line += row[i];
			if (i + 1 < row.size())
				line += std::string(width[i] - row[i].size() + 2, ' ');
		}
		out += line + "\n";
	}
	return out;
}

json::JsonRef toJson(const std::vector<RecordingInfo> &list)
{
	auto array = json::JsonRef::makeArray();
	for (const auto &r : list) {
		auto o = json::JsonRef::makeObject();
		o.set("rec", json::JsonRef::makeString(r.rec));
		o.set("user", json::JsonRef::makeString(r.user));
		o.set("host", json::JsonRef::makeString(r.host));
		o.set("session", json::JsonRef::makeInt(r.session));
		o.set("start", json::JsonRef::makeDouble(r.start));
		o.set("duration_ms",
		      json::JsonRef::makeInt(static_cast<std::int64_t>(r.durationMs)));
		o.set("messages", json::JsonRef::makeInt(static_cast<std::int64_t>(r.messages)));
		o.set("live", json::JsonRef::makeBool(r.live));
		if (!r.writer.empty())
			o.set("writer", json::JsonRef::makeString(r.writer));
		o.set("foreign_entries",
		      json::JsonRef::makeInt(static_cast<std::int64_t>(r.foreignEntries)));
		array.append(std::move(o));
	}
	return array;
}

std::string Selection::describe() const
{
	std::string text;
	auto add = [&text](const std::string &part) { text += (text.empty() ? "" : " ") + part; };
	if (!user.empty())
		add("--user=" + user);
	if (!host.empty())
		add("--host=" + host);
	if (session)
		add("--session=" + std::to_string(*session));
	return text;
}

Selection Selection::of(const source::Selection &select)
{
	return Selection{select.user, select.host, select.session};
}

} // namespace tlog::play
