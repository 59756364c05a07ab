// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/screen_search.hpp"

#include <algorithm>

#include "tlog/play/virtual_screen.hpp"

namespace tlog::play {

std::optional<std::string> ScreenSearch::update(VirtualScreen &screen)
{
	auto changed = screen.takeChangedRows();
	if (rows_.size() != screen.rows()) {
		// A new size: every row is looked at again, nothing counts as
		// seen before.
		rows_.assign(screen.rows(), std::string());
		changed.clear();
		for (unsigned row = 0; row < screen.rows(); row++)
			changed.push_back(row);
	}
	if (pattern_.empty())
		return std::nullopt;
	// Matching texts that left changed rows and those that came: a text
	// that came without leaving elsewhere (a multiset difference) is new.
	std::vector<std::string> gone, came;
	for (unsigned row : changed) {
		if (row >= rows_.size())
			continue;
		std::string text = screen.rowText(row);
		if (text.find(pattern_) == std::string::npos)
			text.clear();
		if (text == rows_[row])
			continue;
		// A matching line edited at its end (typed on, erased back) is
		// the same match.
		const std::string &was = rows_[row];
		if (!was.empty() && !text.empty() && (text.starts_with(was) || was.starts_with(text))) {
			rows_[row] = std::move(text);
			continue;
		}
		if (!rows_[row].empty())
			gone.push_back(std::move(rows_[row]));
		if (!text.empty())
			came.push_back(text);
		rows_[row] = std::move(text);
	}
	for (auto &text : came) {
		auto it = std::find(gone.begin(), gone.end(), text);
		if (it == gone.end())
			return text;
		gone.erase(it);
	}
	return std::nullopt;
}

} // namespace tlog::play
