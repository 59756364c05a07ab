// SPDX-License-Identifier: GPL-2.0-or-later
// Placeholder until tlog-rec lands.
int main()
{
	return 1;
}
