/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTL_VERSION_H
#define _VTL_VERSION_H

#define VTL_VERSION "0.1.0"

#endif /* _VTL_VERSION_H */
