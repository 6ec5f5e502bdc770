# SPDX-License-Identifier: GPL-2.0
# bash completion for vtlctl(8)

_vtlctl_devices()
{
	local d
	for d in /sys/class/net/*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/}"
	done
}

_vtlctl_netns()
{
	local n
	for n in /run/netns/*; do
		[[ -e $n ]] && printf '%s\n' "${n##*/}"
	done
}

# The full word of a possibly abbreviated one, as vtlctl would take it.
_vtlctl_expand()
{
	local word=$1 w found=
	shift
	for w in "$@"; do
		[[ $w == "$word" ]] && { printf '%s' "$w"; return; }
	done
	for w in "$@"; do
		if [[ $w == "$word"* ]]; then
			[[ -n $found ]] && return
			found=$w
		fi
	done
	printf '%s' "$found"
}

_vtlctl()
{
	local cur prev words cword
	_init_completion || return

	local i=1 netns= object= command=
	# global options
	while ((i < cword)); do
		case ${words[i]} in
		-n | -netns | --netns | -ne* | --ne*)
			netns=${words[i + 1]}
			((i += 2))
			;;
		-*)
			((i++))
			;;
		*)
			break
			;;
		esac
	done

	case $prev in
	-n | -netns | --netns)
		COMPREPLY=($(compgen -W "$(_vtlctl_netns)" -- "$cur"))
		return
		;;
	esac

	if ((i == cword)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-json -pretty -stats -netns -Version -help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "port conn help" -- "$cur"))
		fi
		return
	fi

	object=$(_vtlctl_expand "${words[i]}" port conn help)
	((i++))
	if [[ $object == help ]]; then
		((i == cword)) && COMPREPLY=($(compgen -W "port conn" -- "$cur"))
		return
	fi
	local commands keys
	case $object in
	port) commands="add set del delete show list help" ;;
	conn) commands="show list flush help" ;;
	*) return ;;
	esac

	if ((i == cword)); then
		COMPREPLY=($(compgen -W "$(printf '%s\n' $commands | grep -vx 'delete\|list')" -- "$cur"))
		return
	fi
	command=$(_vtlctl_expand "${words[i]}" $commands)
	((i++))

	case $object:$command in
	port:add) keys="dev peer mode max-conns" ;;
	port:set) keys="dev max-conns" ;;
	port:del | port:delete | port:show | port:list) keys="dev" ;;
	conn:show | conn:list | conn:flush) keys="dev" ;;
	*) return ;;
	esac

	# a keyword's value, or the next keyword not given yet
	if ((((cword - i) % 2) == 1)); then
		case $(_vtlctl_expand "$prev" $keys) in
		dev | peer)
			local devs
			if [[ -n $netns ]]; then
				devs=$(ip -n "$netns" -o link show 2>/dev/null |
					awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')
			else
				devs=$(_vtlctl_devices)
			fi
			COMPREPLY=($(compgen -W "$devs" -- "$cur"))
			;;
		mode)
			COMPREPLY=($(compgen -W "host-only standalone bridge" -- "$cur"))
			;;
		esac
		return
	fi
	local k j used=" "
	for ((j = i; j < cword; j += 2)); do
		used+="$(_vtlctl_expand "${words[j]}" $keys) "
	done
	local left=
	for k in $keys; do
		[[ $used == *" $k "* ]] || left+="$k "
	done
	COMPREPLY=($(compgen -W "$left" -- "$cur"))
}

complete -F _vtlctl vtlctl
