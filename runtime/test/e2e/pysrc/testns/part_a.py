NAME = 'testns.part_a'
