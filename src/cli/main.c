/* main.c: placeholder until the commands land. */
#include <stdio.h>
int main(void)
{
	puts("rubdown");
	return 0;
}
