// SPDX-License-Identifier: GPL-2.0-or-later
// Placeholder until tlog-play lands.
int main()
{
	return 1;
}
