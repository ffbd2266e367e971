# Process creation: many short-lived processes (fork, exec of a dynamically
# linked program, pipes).
EXECS=60
FORKS=150

run() {
	i=0
	sum=0
	while [ $i -lt $EXECS ]; do
		sum=$((sum + $(/usr/bin/lua5.4 -e "print($i * $i)")))
		i=$((i + 1))
	done
	echo "exec: $EXECS programs, sum $sum"
	i=0
	while [ $i -lt $FORKS ]; do
		(:)
		i=$((i + 1))
	done
	echo "fork: $FORKS subshells"
	echo "pipeline: $(seq 1 3000 | sed 's/$/ x/' | sort -k1,1nr | head -1000 | md5sum)"
}
