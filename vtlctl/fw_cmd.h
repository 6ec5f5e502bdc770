/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fw object's command-line and file parsing, exported for the tests,
 * and its printing of a port's firewall, which "port show -s" shares.
 */
#ifndef VTLCTL_FW_CMD_H
#define VTLCTL_FW_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/objects.h"
#include "common/parse.h"
#include "print.h"
#include "common/genl.h"

/* The keywords of the fw commands, as bits of a set. */
enum fw_key {
	FW_KEY_DEV	= 1 << 0,
	FW_KEY_DIR	= 1 << 1,
	FW_KEY_PROTO	= 1 << 2,
	FW_KEY_SRC	= 1 << 3,
	FW_KEY_DST	= 1 << 4,
	FW_KEY_SPORT	= 1 << 5,
	FW_KEY_DPORT	= 1 << 6,
	FW_KEY_STATE	= 1 << 7,
	FW_KEY_ACTION	= 1 << 8,
	FW_KEY_ID	= 1 << 9,
	FW_KEY_HELP	= 1 << 10,	/* always taken */
	FW_KEY_POLICY	= 1 << 11,	/* a bare "accept" or "drop" */
	FW_KEY_FILE	= 1 << 12,	/* a bare file name */
};

/* What a rule may say, after "dev VMIF" or on a line of a rule file. */
#define FW_KEYS_RULE (FW_KEY_DIR | FW_KEY_PROTO | FW_KEY_SRC | FW_KEY_DST | \
		      FW_KEY_SPORT | FW_KEY_DPORT | FW_KEY_STATE | \
		      FW_KEY_ACTION)

/* What the words said; NULL, 0 or !has_*: not given. */
struct fw_args {
	const char *dev;
	const char *file;
	bool has_id;
	uint32_t id;
	uint8_t policy;			/* enum vtl_fw_verdict */
	struct vtlctl_fw_rule rule;	/* dir: also of flush and policy */
	unsigned int takes;		/* what fw_parse() was told to take */
};

int fw_parse(int argc, char *argv[], unsigned int takes, unsigned int needs,
	     struct fw_args *args);
int fw_parse_file(FILE *f, const char *name, struct vtlctl_fw_load *load);

const char *fw_proto_name(uint8_t proto);
const char *fw_dir_name(uint8_t dir);
const char *fw_verdict_name(uint8_t verdict);

void fw_print_config(struct printer *p, const struct vtlctl_fw_port *fw);
void fw_print_counters(struct printer *p, const struct vtlctl_fw_port *fw);

/* its requests; a port's VTL_PORT_A_FW nest, for port_cmd.c */
int vtl_nl_fw_new(struct vtl_nl *nl, uint32_t ifindex,
		  const struct vtlctl_fw_rule *rule, uint32_t *id);
int vtl_nl_fw_del(struct vtl_nl *nl, uint32_t ifindex, uint32_t id);
int vtl_nl_fw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtlctl_fw_rule_list *list);
int vtl_nl_fw_flush(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir);
int vtl_nl_fw_policy(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir,
		     uint8_t verdict);
int vtl_nl_fw_load(struct vtl_nl *nl, uint32_t ifindex,
		   const struct vtlctl_fw_load *load, size_t *bad);
int vtl_fw_port_parse(struct nlattr *nest, struct vtlctl_fw_port *fw);

#endif /* VTLCTL_FW_CMD_H */
