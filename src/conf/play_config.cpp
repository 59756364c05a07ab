// SPDX-License-Identifier: GPL-2.0-or-later
// Placeholder: the play configuration lands here.
namespace tlog::conf {
} // namespace tlog::conf
