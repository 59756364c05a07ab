// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/codec/packet.hpp"

namespace tlog::test {

using codec::Packet;
using codec::PacketType;

/// The envelope of the FORMAT.md example.
codec::Envelope exampleEnvelope();

/// Milliseconds and nanoseconds as Timestamps, for short tables.
base::Timestamp ms(std::int64_t v);
base::Timestamp ns(std::int64_t v);

/// Encodes @p packets (start 0, realtime @p realtimeStart) and finish()es.
std::vector<codec::EncodedMessage> encodeAll(const std::vector<Packet> &packets,
					     std::size_t payload = 2048,
					     base::Timestamp realtimeStart = base::Timestamp{0});

/// Parses and decodes @p messages as one recording. Throws: FormatError.
std::vector<Packet> decodeAll(const std::vector<codec::EncodedMessage> &messages);
std::vector<Packet> decodeTexts(const std::vector<std::string> &texts);

/// Only the timing field of each message.
std::vector<std::string> timings(const std::vector<codec::EncodedMessage> &messages);

/// The normal form of a packet stream: window packets that repeat the
/// current size dropped, adjacent I/O of one stream at one time merged.
std::vector<Packet> normalise(std::vector<Packet> packets);

/// What the decoder must give back for @p packets, as the format defines
/// it, written without the encoder: times floored to ms since 0 and never
/// going back; a character cut at the end of a packet completed by the
/// next packet of its stream (at that packet's time); a cut prefix that
/// turns out invalid kept at the time it arrived; one still held at the
/// end written at its own time. Already normalised.
std::vector<Packet> model(const std::vector<Packet> &packets);

/// Bytes of @p packets of one stream, concatenated.
std::string streamBytes(const std::vector<Packet> &packets, PacketType type);

/// The v2.3 text of @p m in the reference's layout, built independently
/// of the encoder (json-c for nothing, our escape table for strings).
std::string layout(const codec::Message &m);

/// timing + the escaped texts + the bin arrays, as payload counts them.
std::size_t payloadSize(const codec::Message &m);

/// Readable form of packets for failure messages.
std::string show(const std::vector<Packet> &packets);

/// Checks equality, reporting the first differing packet.
void checkPackets(const std::vector<Packet> &got, const std::vector<Packet> &want,
		  std::string_view context = {});

} // namespace tlog::test
