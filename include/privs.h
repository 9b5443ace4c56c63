/*
 * privs.h - least privilege: once its sockets are open, evpnd gives up root
 * and keeps only CAP_NET_ADMIN (netlink writes, TCP-MD5 keys) and
 * CAP_NET_BIND_SERVICE (BGP's port 179 when the listener is reopened).
 */
#ifndef EVPND_PRIVS_H
#define EVPND_PRIVS_H

/* The group's id, or -1 with *err when it does not exist. */
int privs_group_id(const char *group, char **err);

/*
 * Become user (and group, or the user's primary group when NULL) for good,
 * with only the two capabilities above, no others possible (bounding set,
 * no_new_privs).  Returns 0, or -1 with *err (a new string).
 */
int privs_drop(const char *user, const char *group, char **err);

#endif
