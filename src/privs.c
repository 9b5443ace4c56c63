/*
 * privs.c - dropping root (see privs.h).  Order matters: the bounding set
 * can only be reduced while we still have CAP_SETPCAP (as root), and
 * PR_SET_KEEPCAPS keeps the permitted set across setresuid() so that the
 * final capset() can select the two capabilities we keep.
 */
#include <errno.h>
#include <stdbool.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

static const int kept[] = {CAP_NET_ADMIN, CAP_NET_BIND_SERVICE};

static int fail(char **err, const char *what)
{
	if (asprintf(err, "%s: %s", what, strerror(errno)) < 0)
		*err = NULL;
	return -1;
}

int privs_group_id(const char *group, char **err)
{
	struct group *g = getgrnam(group);

	if (!g) {
		if (asprintf(err, "unknown group %s", group) < 0)
			*err = NULL;
		return -1;
	}
	return (int)g->gr_gid;
}

static bool is_kept(int cap)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (kept[i] == cap)
			return true;
	return false;
}

static int set_caps(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		data[kept[i] / 32].effective |= 1u << (kept[i] % 32);
		data[kept[i] / 32].permitted |= 1u << (kept[i] % 32);
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

int privs_drop(const char *user, const char *group, char **err)
{
	struct passwd *pw = getpwnam(user);
	gid_t gid;

	if (!pw) {
		if (asprintf(err, "unknown user %s", user) < 0)
			*err = NULL;
		return -1;
	}
	gid = pw->pw_gid;
	if (group) {
		int g = privs_group_id(group, err);

		if (g < 0)
			return -1;
		gid = (gid_t)g;
	}
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!is_kept(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 && errno != EINVAL)
			return fail(err, "dropping capabilities from the bounding set");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return fail(err, "PR_SET_KEEPCAPS");
	if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1)
		return fail(err, "setting the group");
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return fail(err, "setting the user");
	if (set_caps() == -1)
		return fail(err, "keeping CAP_NET_ADMIN and CAP_NET_BIND_SERVICE");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return fail(err, "PR_SET_NO_NEW_PRIVS");
	return 0;
}
