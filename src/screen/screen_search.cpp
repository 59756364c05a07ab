// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/screen/screen_search.hpp"

#include <algorithm>

#include "tlog/screen/virtual_screen.hpp"

namespace tlog::screen {

std::vector<std::string> ScreenSearch::update(VirtualScreen &screen)
{
	auto changed = screen.takeChangedRows();
	auto &rows = rows_[screen.altScreen() ? 1 : 0];
	if (rows.size() != screen.rows()) {
		// A new size: every row is looked at again, nothing counts as
		// seen before.
		rows.assign(screen.rows(), std::string());
		changed.clear();
		for (unsigned row = 0; row < screen.rows(); row++)
			changed.push_back(row);
	}
	std::vector<std::string> found;
	if (pattern_.empty())
		return found;
	// Matching texts that left changed rows and those that came: a text
	// that came without leaving elsewhere (a multiset difference) is new.
	std::vector<std::string> gone, came;
	for (unsigned row : changed) {
		if (row >= rows.size())
			continue;
		std::string text = screen.rowText(row);
		if (text.find(pattern_) == std::string::npos)
			text.clear();
		if (text == rows[row])
			continue;
		// A matching line edited at its end (typed on, erased back) is
		// the same match.
		const std::string &was = rows[row];
		if (!was.empty() && !text.empty() &&
		    (text.starts_with(was) || was.starts_with(text))) {
			rows[row] = std::move(text);
			continue;
		}
		if (!rows[row].empty())
			gone.push_back(std::move(rows[row]));
		if (!text.empty())
			came.push_back(text);
		rows[row] = std::move(text);
	}
	for (auto &text : came) {
		auto it = std::find(gone.begin(), gone.end(), text);
		if (it == gone.end())
			found.push_back(std::move(text));
		else
			gone.erase(it);
	}
	return found;
}

} // namespace tlog::screen
