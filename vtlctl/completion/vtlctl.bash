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
			COMPREPLY=($(compgen -W "port conn fw rewrite tunnel socks daemon help" -- "$cur"))
		fi
		return
	fi

	object=$(_vtlctl_expand "${words[i]}" port conn fw rewrite tunnel socks daemon help)
	((i++))
	if [[ $object == help ]]; then
		((i == cword)) && COMPREPLY=($(compgen -W "port conn fw rewrite tunnel socks daemon" -- "$cur"))
		return
	fi
	if [[ $object == daemon ]]; then
		((i == cword)) && COMPREPLY=($(compgen -W "verbose help" -- "$cur"))
		return
	fi
	local commands keys bare= once=
	case $object in
	port) commands="add set suspend resume del delete show list export import help" ;;
	conn) commands="show list flush help" ;;
	fw) commands="add del delete show list flush policy load help" ;;
	rewrite) commands="add del delete show list flush help" ;;
	tunnel) commands="auto show list help" ;;
	socks) commands="add del delete show list help" ;;
	*) return ;;
	esac

	if ((i == cword)); then
		COMPREPLY=($(compgen -W "$(printf '%s\n' $commands | grep -vx 'delete\|list')" -- "$cur"))
		return
	fi
	command=$(_vtlctl_expand "${words[i]}" $commands)
	((i++))

	case $object:$command in
	port:add) keys="dev peer mode max-conns track" ;;
	port:set) keys="dev max-conns track" ;;
	port:suspend|port:resume) keys="dev" ;;
	port:del | port:delete | port:show | port:list) keys="dev" ;;
	port:export | port:import) keys="dev" bare=file ;;
	conn:show | conn:list | conn:flush) keys="dev" ;;
	fw:add) keys="dev dir proto src dst sport dport state action" ;;
	fw:del | fw:delete) keys="dev id" ;;
	fw:show | fw:list) keys="dev" ;;
	fw:flush) keys="dev dir" ;;
	fw:policy) keys="dev dir" bare="accept drop" ;;
	fw:load) keys="dev" bare=file ;;
	# "match" and "set" start the parts of a rule, once each
	rewrite:add) keys="dev dst dmac smac saddr daddr out" once="match set" ;;
	rewrite:del | rewrite:delete) keys="dev dst" once="match" ;;
	rewrite:show | rewrite:list | rewrite:flush) keys="dev" ;;
	tunnel:auto) keys= bare="on off" ;;
	tunnel:show | tunnel:list) keys= ;;
	socks:add) keys="dev proxy version user password dns ipv6" ;;
	socks:del | socks:delete | socks:show | socks:list) keys="dev" ;;
	*) return ;;
	esac

	# walk the words given: a keyword and its value, or a bare word
	local j=$i key= used=" " nbare=0
	while ((j < cword)); do
		key=$(_vtlctl_expand "${words[j]}" $keys)
		if [[ -z $key && -n $once ]]; then
			used+="$(_vtlctl_expand "${words[j]}" $once) "
			((j++))
			continue
		fi
		# a word no keyword starts is bare, if the command takes one
		if [[ -n $key || -z $bare ]]; then
			used+="$key "
			((j + 1 == cword)) && break
			((j += 2))
		else
			key=
			((nbare++, j++))
		fi
	done

	# a keyword's value
	if ((j < cword)); then
		case $key in
		dev | peer | out)
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
		dir)
			COMPREPLY=($(compgen -W "in out" -- "$cur"))
			;;
		proto)
			COMPREPLY=($(compgen -W "tcp udp icmp icmpv6 udplite sctp dccp gre esp ah" -- "$cur"))
			;;
		action)
			COMPREPLY=($(compgen -W "accept drop reject" -- "$cur"))
			;;
		version)
			COMPREPLY=($(compgen -W "5 4a" -- "$cur"))
			;;
		dns)
			COMPREPLY=($(compgen -W "automap resolve drop" -- "$cur"))
			;;
		ipv6)
			COMPREPLY=($(compgen -W "proxy drop" -- "$cur"))
			;;
		state)
			# a comma list: complete its last element
			local done=${cur%,*} s
			[[ $done == "$cur" ]] && done= || done+=,
			COMPREPLY=($(for s in new established related invalid; do
				[[ $s == "${cur##*,}"* ]] && printf '%s\n' "$done$s"
			done))
			compopt -o nospace
			;;
		esac
		return
	fi
	# the next keyword not given yet, or the bare word still missing
	local k left=
	for k in $keys $once; do
		[[ $used == *" $k "* ]] && continue
		# a rule's dst follows "match", what it sets follows "set"
		if [[ $object == rewrite ]]; then
			[[ $k == dst && $used != *" match "* ]] && continue
			[[ $k == [ds]mac || $k == [sd]addr ]] &&
				[[ $used != *" set "* ]] && continue
		fi
		left+="$k "
	done
	if ((nbare == 0)) && [[ $bare == file ]]; then
		COMPREPLY=($(compgen -W "$left" -- "$cur") $(compgen -f -- "$cur"))
		return
	fi
	((nbare == 0)) && left+="$bare"
	COMPREPLY=($(compgen -W "$left" -- "$cur"))
}

complete -F _vtlctl vtlctl
