/*
 * govdir_guard: a SLAPI pre-operation plugin for the directory's own slapd.
 *
 * Two rules that stock slapd cannot express:
 * - the virtual list view control (VLV) is refused to everyone but the database root and the
 *   members of the national administrators' group: with server-side sorting it walks the
 *   whole directory in windows under any size limit, and its content count discloses totals;
 * - a simple bind to a DN that does not exist, or holds no password, costs one password
 *   verification, as a wrong password does, so bind timing does not tell which accounts exist.
 *
 * Arguments (olcPlugin): the admins' group DN, the root DN, and a hash of a random secret made
 * with the same scheme and parameters as the directory's passwords.
 */
#include <stdlib.h>
#include <string.h>

#include <slapi-plugin.h>

#define VLV_REQUEST "2.16.840.1.113730.3.4.9"

/* Exported by libslapi, not declared in its header. */
int slapi_pw_find(struct berval **vals, struct berval *v);

static char *admins_group;
static char *root_dn;
static struct berval decoy_value;
static struct berval *decoy[2];

/* Return value with the characters that filters give a meaning escaped (RFC 4515). */
static char *escape_filter_value(const char *value)
{
	size_t n = strlen(value);
	char *out = slapi_ch_malloc(3 * n + 1), *p = out;
	static const char hex[] = "0123456789abcdef";

	for (; *value; value++) {
		unsigned char c = (unsigned char)*value;
		if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20) {
			*p++ = '\\';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	*p = '\0';
	return out;
}

/* Return 1 when an internal base search of dn with filter finds the entry. */
static int base_entry_matches(char *dn, char *filter, char *attr, int want_attr)
{
	char *attrs[] = { attr, NULL };
	Slapi_PBlock *res = slapi_search_internal(dn, LDAP_SCOPE_BASE, filter, NULL, attrs, 0);
	Slapi_Entry **entries = NULL;
	Slapi_Attr *found = NULL;
	int rc = -1, matched = 0;

	if (res == NULL)
		return 0;
	slapi_pblock_get(res, SLAPI_PLUGIN_INTOP_RESULT, &rc);
	slapi_pblock_get(res, SLAPI_PLUGIN_INTOP_SEARCH_ENTRIES, &entries);
	if (rc == LDAP_SUCCESS && entries != NULL && entries[0] != NULL) {
		matched = !want_attr || slapi_entry_attr_find(entries[0], attr, &found) == 0;
	}
	slapi_free_search_results_internal(res);
	slapi_pblock_destroy(res);
	return matched;
}

static int is_national_admin(Slapi_PBlock *pb)
{
	int isroot = 0, member;
	char *dn = NULL, *escaped, *filter;

	slapi_pblock_get(pb, SLAPI_REQUESTOR_ISROOT, &isroot);
	if (isroot)
		return 1;
	slapi_pblock_get(pb, SLAPI_REQUESTOR_DN, &dn);
	if (dn == NULL || *dn == '\0' || admins_group == NULL)
		return 0;
	escaped = escape_filter_value(dn);
	filter = slapi_ch_malloc(strlen(escaped) + sizeof("(member=)"));
	strcpy(filter, "(member=");
	strcat(filter, escaped);
	strcat(filter, ")");
	member = base_entry_matches(admins_group, filter, "1.1", 0);
	slapi_ch_free_string(&filter);
	slapi_ch_free_string(&escaped);
	return member;
}

static int guard_search(Slapi_PBlock *pb)
{
	LDAPControl **controls = NULL;
	int i;

	slapi_pblock_get(pb, SLAPI_REQCONTROLS, &controls);
	for (i = 0; controls != NULL && controls[i] != NULL; i++) {
		if (strcmp(controls[i]->ldctl_oid, VLV_REQUEST) != 0)
			continue;
		if (is_national_admin(pb))
			return 0;
		slapi_send_ldap_result(pb, LDAP_UNWILLING_TO_PERFORM, NULL,
			"the virtual list view is for national administrators only", 0, NULL);
		return -1;
	}
	return 0;
}

static int guard_bind(Slapi_PBlock *pb)
{
	int method = 0;
	char *dn = NULL;
	struct berval *cred = NULL;

	slapi_pblock_get(pb, SLAPI_BIND_METHOD, &method);
	slapi_pblock_get(pb, SLAPI_BIND_TARGET, &dn);
	slapi_pblock_get(pb, SLAPI_BIND_CREDENTIALS, &cred);
	if (method != LDAP_AUTH_SIMPLE || dn == NULL || *dn == '\0' || cred == NULL ||
	    cred->bv_len == 0 || decoy[0] == NULL)
		return SLAPI_BIND_SUCCESS;
	if (root_dn != NULL && strcasecmp(dn, root_dn) == 0)
		return SLAPI_BIND_SUCCESS;
	if (!base_entry_matches(dn, "(objectClass=*)", "userPassword", 1)) {
		/* The result is thrown away: only the time it takes matters. */
		(void)slapi_pw_find(decoy, cred);
	}
	/* slapd goes on to check the password itself and answers as it always does. */
	return SLAPI_BIND_SUCCESS;
}

int govdir_guard_init(Slapi_PBlock *pb)
{
	int argc = 0;
	char **argv = NULL;

	slapi_pblock_get(pb, SLAPI_PLUGIN_ARGC, &argc);
	slapi_pblock_get(pb, SLAPI_PLUGIN_ARGV, &argv);
	if (argc >= 1)
		admins_group = slapi_ch_strdup(argv[0]);
	if (argc >= 2)
		root_dn = slapi_ch_strdup(argv[1]);
	if (argc >= 3) {
		decoy_value.bv_val = slapi_ch_strdup(argv[2]);
		decoy_value.bv_len = strlen(decoy_value.bv_val);
		decoy[0] = &decoy_value;
		decoy[1] = NULL;
	}
	if (slapi_pblock_set(pb, SLAPI_PLUGIN_VERSION, SLAPI_PLUGIN_VERSION_01) != 0 ||
	    slapi_pblock_set(pb, SLAPI_PLUGIN_PRE_SEARCH_FN, (void *)guard_search) != 0 ||
	    slapi_pblock_set(pb, SLAPI_PLUGIN_PRE_BIND_FN, (void *)guard_bind) != 0)
		return -1;
	return 0;
}
